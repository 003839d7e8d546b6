package io.pullbridge.support.azure;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The Azure emulator's TLS identity, made once per JVM: a self-signed certificate for {@code 127.0.0.1} and
 * {@code localhost}, and a trust store holding it beside the JDK's default certificate authorities.
 * <p>
 * The Azure SDK's bearer-token credentials refuse plain HTTP, and the service must trust custom clouds through the
 * standard JVM trust store (design.md section 7). So the emulator is trusted exactly that way: through
 * {@code javax.net.ssl.trustStore}, which the JDK reads once, when the default {@link SSLContext} is first used. That is
 * why {@link #trustInThisJvm()} runs from a JUnit launcher session listener (before any test) and at the top of the
 * local sandbox's main method, and why every emulator in the JVM shares this one certificate.
 */
final class EmulatorTls {

    private static final String KEY_ALIAS = "azure-emulator";

    private static volatile EmulatorTls instance;

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private Path trustStore;

    private EmulatorTls() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keyPair = generator.generateKeyPair();
            certificate = selfSigned(keyPair);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("Cannot make the Azure emulator's certificate", e);
        }
    }

    static EmulatorTls instance() {
        EmulatorTls current = instance;
        if (current == null) {
            synchronized (EmulatorTls.class) {
                current = instance;
                if (current == null) {
                    current = new EmulatorTls();
                    instance = current;
                }
            }
        }
        return current;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /**
     * Writes a PKCS12 trust store holding the JDK's default trusted certificates plus the emulator's, and points the
     * {@code javax.net.ssl.trustStore*} system properties at it. Idempotent. Must run before the JVM's default
     * SSLContext is first used; a trust store already configured by the user is carried over, not dropped.
     */
    static synchronized Path trustInThisJvm() {
        EmulatorTls tls = instance();
        if (tls.trustStore != null) {
            return tls.trustStore;
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int index = 0;
            for (X509Certificate authority : defaultTrustedCertificates()) {
                store.setCertificateEntry("default-" + index++, authority);
            }
            store.setCertificateEntry(KEY_ALIAS, tls.certificate);
            char[] password = "azure-emulator".toCharArray();
            Path file = Files.createTempFile("pullbridge-azure-emulator-truststore-", ".p12");
            file.toFile().deleteOnExit();
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password);
            }
            System.setProperty("javax.net.ssl.trustStore", file.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            tls.trustStore = file;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Azure emulator's trust store", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot write the Azure emulator's trust store", e);
        }
    }

    /**
     * Writes the certificate and its private key (PKCS#8) as PEM files, for a server outside the JVM (a real
     * container registry in the tests) to present the identity this JVM trusts.
     */
    void writePem(Path certificateFile, Path keyFile) {
        Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        try {
            Files.writeString(certificateFile, "-----BEGIN CERTIFICATE-----\n"
                    + pem.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n");
            Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                    + pem.encodeToString(keyPair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Azure emulator's certificate and key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encode the Azure emulator's certificate", e);
        }
    }

    /** The server side: the key and certificate the emulator's HTTPS server presents. */
    SSLContext serverContext() {
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(KEY_ALIAS, keyPair.getPrivate(), password, new X509Certificate[] {certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot build the Azure emulator's TLS context", e);
        }
    }

    /** The JDK's default trust anchors (or the user's configured trust store), as the default TrustManager sees them. */
    private static X509Certificate[] defaultTrustedCertificates() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509.getAcceptedIssuers();
            }
        }
        return new X509Certificate[0];
    }

    private static X509Certificate selfSigned(KeyPair keyPair) throws GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException, org.bouncycastle.cert.CertIOException {
        X500Name subject = new X500Name("CN=PullBridge Azure emulator");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(730))), subject, keyPair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }
}
