package io.pullbridge.support.azure;

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
}
