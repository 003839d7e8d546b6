package io.pullbridge.support.azure;

import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Makes the test JVM trust the Azure emulator's certificate before any test runs, so the real Azure SDK (and anything
 * else using the default SSLContext) reaches the emulator over HTTPS through the standard JVM trust store, as the
 * service reaches a custom cloud. Registered in {@code META-INF/services}.
 */
public class AzureEmulatorTrust implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        EmulatorTls.trustInThisJvm();
    }

    /**
     * Writes the trusted identity (certificate and PKCS#8 private key, PEM) for another loopback test server to
     * present, such as a real container registry: the JVM then trusts it as it trusts the emulator, no test hook
     * needed. The certificate names {@code 127.0.0.1} and {@code localhost}.
     */
    public static void writeTrustedIdentity(Path certificatePem, Path privateKeyPem) {
        EmulatorTls.instance().writePem(certificatePem, privateKeyPem);
    }

    /** The trusted identity as a server-side TLS context, for an in-JVM HTTPS test server. */
    public static SSLContext trustedServerContext() {
        return EmulatorTls.instance().serverContext();
    }
}
