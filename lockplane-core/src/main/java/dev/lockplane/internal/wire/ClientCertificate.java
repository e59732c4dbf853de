package dev.lockplane.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client certificate and its private key, as libpq's {@code sslcert} and {@code sslkey} name
 * them, read the way both libpq and the JDBC driver accept them, so that one URL works for
 * Lockplane's own connections, the JDBC driver's and PostgreSQL's tools:
 *
 * <ul>
 *   <li>the certificate: PEM or DER, the client's first, then any intermediate authorities;
 *   <li>the key: PEM ({@code PRIVATE KEY} (PKCS #8), {@code RSA PRIVATE KEY} (PKCS #1),
 *       {@code EC PRIVATE KEY} (SEC 1), or {@code ENCRYPTED PRIVATE KEY} with {@code sslpassword}),
 *       DER PKCS #8 (the JDBC driver's {@code .pk8}, encrypted or not), or a PKCS #12 file
 *       ({@code .p12}/{@code .pfx}: key and certificate in one, {@code sslcert} then optional).
 * </ul>
 *
 * <p>Both are read when the URL is checked, and the key must belong to the certificate, so a wrong
 * file is reported before anything connects. The password is never part of a message or of
 * {@link #toString()}.
 */
public final class ClientCertificate {
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

  private final Path certFile;
  private final Path keyFile;
  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final String password;

  private ClientCertificate(Path certFile, Path keyFile, PrivateKey key, X509Certificate[] chain, String password) {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.key = key;
    this.chain = chain;
    this.password = password;
  }

  /**
   * Reads a client certificate and its key.
   *
   * @param certFile {@code sslcert}, or {@code null} when the key file is PKCS #12
   * @param keyFile {@code sslkey}
   * @param password {@code sslpassword}, for an encrypted key or a PKCS #12 file; may be {@code null}
   * @return the certificate and key
   * @throws IllegalArgumentException naming the file and what to give instead, never the password
   */
  public static ClientCertificate read(String certFile, String keyFile, String password) {
    if (keyFile == null) {
      throw new IllegalArgumentException("the URL names sslcert=" + certFile + " but no sslkey; name the file of"
          + " the certificate's private key too (sslkey=FILE)");
    }
    Path kf = readable(keyFile, "sslkey", "the client certificate's private key");
    byte[] keyBytes = bytes(kf, "sslkey");
    char[] pw = password == null ? new char[0] : password.toCharArray();
    if (isPkcs12(kf, keyBytes)) {
      return fromPkcs12(certFile == null ? null : readable(certFile, "sslcert", "the client certificate"), kf,
          keyBytes, pw, password);
    }
    if (certFile == null) {
      throw new IllegalArgumentException("the URL names sslkey=" + keyFile + " but no sslcert; name the client"
          + " certificate's file too (sslcert=FILE), or give a PKCS #12 file (.p12) that holds both");
    }
    Path cf = readable(certFile, "sslcert", "the client certificate");
    X509Certificate[] chain = certificates(cf, bytes(cf, "sslcert"));
    PrivateKey key = privateKey(kf, keyBytes, pw, password != null);
    checkPair(key, chain[0], cf, kf);
    return new ClientCertificate(cf, kf, key, chain, password);
  }

  /** The certificate file ({@code sslcert}), or the PKCS #12 file when that holds the certificate. */
  public Path certificateFile() {
    return certFile;
  }

  /** The key file ({@code sslkey}). */
  public Path keyFile() {
    return keyFile;
  }

  /** {@code sslpassword} as given, for a connection that reads the files again; never shown. */
  public java.util.Optional<String> password() {
    return java.util.Optional.ofNullable(password);
  }

  /** The client's certificate and the authorities after it, as the server is sent them. */
  public List<X509Certificate> chain() {
    return List.of(chain);
  }

  /** A key manager that offers this certificate whatever authorities the server names, as libpq does. */
  public X509ExtendedKeyManager keyManager() {
    return new OneIdentity(key, chain);
  }

  /**
   * Writes the certificate chain and the key, unencrypted PKCS #8, as PEM files that libpq reads
   * (the key with mode 0600), for a tool or a server that connects with libpq.
   *
   * @param cert where the certificate goes
   * @param keyOut where the key goes
   * @throws IOException when a file cannot be written
   */
  public void writePem(Path cert, Path keyOut) throws IOException {
    StringBuilder certs = new StringBuilder();
    try {
      for (X509Certificate c : chain) {
        certs.append(pem("CERTIFICATE", c.getEncoded()));
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IOException("cannot encode the client certificate of " + certFile + ": " + e.getMessage(), e);
    }
    Files.writeString(cert, certs, StandardCharsets.US_ASCII);
    Files.deleteIfExists(keyOut);
    Files.createFile(keyOut, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(keyOut, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return "client certificate " + certFile + (certFile.equals(keyFile) ? "" : " with key " + keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Path readable(String file, String param, String what) {
    Path p = Path.of(file);
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new IllegalArgumentException("the file " + param + "=" + file + " (" + what + ") does not exist or cannot"
          + " be read");
    }
    return p;
  }

  private static byte[] bytes(Path file, String param) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + param + "=" + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isPkcs12(Path file, byte[] content) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".p12") || name.endsWith(".pfx")) {
      return true;
    }
    if (content.length == 0 || content[0] != 0x30 || looksLikePem(content)) {
      return false;
    }
    // a DER file: PKCS #12 is SEQUENCE { INTEGER 3, ContentInfo, ... }, PKCS #8 SEQUENCE { INTEGER 0, ... } or encrypted
    try {
      Der outer = Der.read(content, 0);
      Der version = Der.read(content, outer.contentStart());
      return version.tag() == 0x02 && version.length() == 1 && content[version.contentStart()] == 3;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean looksLikePem(byte[] content) {
    return new String(content, StandardCharsets.ISO_8859_1).contains("-----BEGIN ");
  }

  private static X509Certificate[] certificates(Path file, byte[] content) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("sslcert=" + file + " holds no certificate; give the client certificate"
            + " (PEM or DER)");
      }
      return out.toArray(new X509Certificate[0]);
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException("sslcert=" + file + " is not a PEM or DER certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file, byte[] content, char[] password, boolean passwordGiven) {
    if (!looksLikePem(content)) {
      try {
        return pkcs8(content);
      } catch (GeneralSecurityException | IllegalArgumentException notPlain) {
        return encrypted(file, content, password, passwordGiven);
      }
    }
    String text = new String(content, StandardCharsets.ISO_8859_1);
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      String body = m.group(2);
      if (!type.endsWith("PRIVATE KEY")) {
        continue; // EC PARAMETERS before the key, or a certificate in the same file
      }
      if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
        throw new IllegalArgumentException("sslkey=" + file + " is encrypted in OpenSSL's old format, which Lockplane"
            + " does not read; convert it to PKCS #8 (openssl pkcs8 -topk8 -in OLD -out NEW, with a passphrase"
            + " given as sslpassword, or -nocrypt)");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sslkey=" + file + " holds a damaged PEM block (" + type + ")", e);
      }
      try {
        switch (type) {
          case "PRIVATE KEY":
            return pkcs8(der);
          case "RSA PRIVATE KEY":
            return pkcs8(wrap(der, RSA_ALGORITHM));
          case "EC PRIVATE KEY":
            return pkcs8(wrap(der, ecAlgorithm(der, file)));
          case "ENCRYPTED PRIVATE KEY":
            return encrypted(file, der, password, passwordGiven);
          default:
            throw new IllegalArgumentException("sslkey=" + file + " holds a " + type + ", a kind of key Lockplane does"
                + " not read; give an RSA, EC or Ed25519 key in PKCS #8 (openssl pkcs8 -topk8)");
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("sslkey=" + file + " holds a " + type + " that cannot be read: "
            + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("sslkey=" + file + " holds no private key (no PEM block ending in PRIVATE KEY)");
  }

  private static final String[] ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA", "XDH"};

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String alg : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("not a PKCS #8 key of a kind this JVM reads (" + last.getMessage() + ")");
  }

  private static PrivateKey encrypted(Path file, byte[] der, char[] password, boolean passwordGiven) {
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(der);
    } catch (IOException e) {
      throw new IllegalArgumentException("sslkey=" + file + " is neither a PEM key nor a DER PKCS #8 key (plain or"
          + " encrypted) nor a PKCS #12 file", e);
    }
    if (!passwordGiven) {
      throw new IllegalArgumentException("sslkey=" + file + " is encrypted; give its passphrase as sslpassword");
    }
    String alg;
    try {
      AlgorithmParameters params = info.getAlgParameters();
      // PBES2's parameters name the real cipher (e.g. PBEWithHmacSHA256AndAES_256)
      alg = params != null && info.getAlgName().matches("PBES2|1\\.2\\.840\\.113549\\.1\\.5\\.13")
          ? params.toString() : info.getAlgName();
      SecretKeyFactory f = SecretKeyFactory.getInstance(alg);
      Cipher c = Cipher.getInstance(alg);
      c.init(Cipher.DECRYPT_MODE, f.generateSecret(new PBEKeySpec(password)), params);
      return pkcs8(info.getKeySpec(c).getEncoded());
    } catch (java.security.spec.InvalidKeySpecException | javax.crypto.BadPaddingException e) {
      throw new IllegalArgumentException("sslkey=" + file + " cannot be decrypted with the sslpassword given: wrong"
          + " passphrase", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("sslkey=" + file + " is encrypted with " + info.getAlgName() + ", which cannot"
          + " be decrypted here (" + e.getMessage() + "); re-encrypt it with openssl pkcs8 -topk8 -v2 aes-256-cbc,"
          + " or wrong passphrase", e);
    }
  }

  private static ClientCertificate fromPkcs12(Path certFile, Path file, byte[] content, char[] password,
      String given) {
    KeyStore ks;
    try {
      ks = KeyStore.getInstance("PKCS12");
      ks.load(new ByteArrayInputStream(content), password);
    } catch (IOException e) {
      throw new IllegalArgumentException("sslkey=" + file + " cannot be opened as PKCS #12 with the sslpassword given"
          + " (wrong or missing passphrase, or not a PKCS #12 file)", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("sslkey=" + file + " cannot be read as PKCS #12: " + e.getMessage(), e);
    }
    try {
      for (String alias : Collections.list(ks.aliases())) {
        if (!ks.isKeyEntry(alias)) {
          continue;
        }
        PrivateKey key = (PrivateKey) ks.getKey(alias, password);
        X509Certificate[] chain;
        if (certFile != null) {
          chain = certificates(certFile, bytes(certFile, "sslcert"));
        } else {
          Certificate[] held = ks.getCertificateChain(alias);
          if (held == null || held.length == 0) {
            throw new IllegalArgumentException("sslkey=" + file + " holds a key but no certificate; name the"
                + " certificate's file as sslcert");
          }
          chain = java.util.Arrays.stream(held).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        }
        checkPair(key, chain[0], certFile != null ? certFile : file, file);
        return new ClientCertificate(certFile != null ? certFile : file, file, key, chain, given);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the key in sslkey=" + file + " cannot be read: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("sslkey=" + file + " is a PKCS #12 file without a private key");
  }

  /** Refuses a key that does not belong to the certificate, as libpq does before it connects. */
  private static void checkPair(PrivateKey key, X509Certificate cert, Path certFile, Path keyFile) {
    String alg = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (alg == null) {
      return; // the handshake tells
    }
    boolean matches;
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] signed = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(cert.getPublicKey());
      v.update(probe);
      matches = v.verify(signed);
    } catch (GeneralSecurityException e) {
      matches = false; // a key of another kind than the certificate's
    }
    if (!matches) {
      throw new IllegalArgumentException("the key in sslkey=" + keyFile + " does not belong to the certificate in sslcert="
          + certFile + " (" + cert.getSubjectX500Principal().getName() + "); give the key the certificate was made for");
    }
  }

  // DER: just what turning PKCS #1 and SEC 1 keys into PKCS #8 needs

  /** AlgorithmIdentifier { rsaEncryption, NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
  /** The OID id-ecPublicKey, whole. */
  private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

  /** AlgorithmIdentifier { id-ecPublicKey, the curve named in the SEC 1 key's parameters }. */
  private static byte[] ecAlgorithm(byte[] sec1, Path file) {
    Der outer = Der.read(sec1, 0);
    int at = outer.contentStart();
    while (at < outer.end()) {
      Der element = Der.read(sec1, at);
      if (element.tag() == (byte) 0xa0) {
        Der curve = Der.read(sec1, element.contentStart());
        ByteArrayOutputStream ids = new ByteArrayOutputStream();
        ids.writeBytes(EC_PUBLIC_KEY);
        ids.write(sec1, curve.start(), curve.end() - curve.start());
        return Der.encode(0x30, ids.toByteArray());
      }
      at = element.end();
    }
    throw new IllegalArgumentException("sslkey=" + file + " is an EC key that does not name its curve; write it with"
        + " its parameters (openssl ec -param_out) or as PKCS #8 (openssl pkcs8 -topk8 -nocrypt)");
  }

  /** PrivateKeyInfo { version 0, algorithm, OCTET STRING key }. */
  private static byte[] wrap(byte[] key, byte[] algorithm) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.writeBytes(Der.encode(0x04, key));
    return Der.encode(0x30, body.toByteArray());
  }

  /** One DER element: its tag, where it starts, where its content starts and how long that is. */
  private record Der(byte tag, int start, int contentStart, int length) {
    int end() {
      return contentStart + length;
    }

    static Der read(byte[] b, int at) {
      if (at + 2 > b.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      byte tag = b[at];
      int first = b[at + 1] & 0xff;
      int pos = at + 2;
      int length;
      if (first < 0x80) {
        length = first;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 3 || pos + n > b.length) {
          throw new IllegalArgumentException("bad DER length");
        }
        length = 0;
        for (int i = 0; i < n; i++) {
          length = (length << 8) | (b[pos++] & 0xff);
        }
      }
      if (pos + length > b.length) {
        throw new IllegalArgumentException("truncated DER");
      }
      return new Der(tag, at, pos, length);
    }

    static byte[] encode(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int n = content.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else if (n < 0x10000) {
        out.write(0x82);
        out.write(n >> 8);
        out.write(n);
      } else {
        out.write(0x83);
        out.write(n >> 16);
        out.write(n >> 8);
        out.write(n);
      }
      out.writeBytes(content);
      return out.toByteArray();
    }
  }

  /** Offers the one certificate for every client-side choice; nothing server-side. */
  private static final class OneIdentity extends X509ExtendedKeyManager {
    private static final String ALIAS = "client";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    OneIdentity(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return ALIAS;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }
}
