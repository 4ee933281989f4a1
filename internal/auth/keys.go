package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Keys are the installation's secret keys, generated on first run into the data folder.
type Keys struct {
	Session []byte // signs the flash cookie
	Encrypt []byte // AES-256-GCM key for secrets at rest
	Signing []byte // HMAC key for API access tokens

	dir      string // the data folder, where SAMLKeyPair keeps its files
	samlMu   sync.Mutex
	samlKey  *rsa.PrivateKey
	samlCert *x509.Certificate
}

// LoadOrCreateKeys reads the keys from dir, creating any that are missing (mode 0600).
func LoadOrCreateKeys(dir string) (*Keys, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	k := Keys{dir: dir}
	for _, f := range []struct {
		name string
		dst  *[]byte
	}{{"session.key", &k.Session}, {"encrypt.key", &k.Encrypt}, {"signing.key", &k.Signing}} {
		b, err := loadOrCreateKey(filepath.Join(dir, f.name))
		if err != nil {
			return nil, err
		}
		*f.dst = b
	}
	return &k, nil
}

func loadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) != 32 {
			return nil, fmt.Errorf("key file %s: want 32 bytes, have %d", path, len(b))
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return b, f.Close()
}

// Seal encrypts plaintext with AES-256-GCM under the Encrypt key.
func (k *Keys) Seal(plaintext []byte) ([]byte, error) {
	gcm, err := k.gcm()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plaintext, nil), nil
}

// Open decrypts what Seal produced.
func (k *Keys) Open(sealed []byte) ([]byte, error) {
	gcm, err := k.gcm()
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("auth: sealed value too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
}

func (k *Keys) gcm() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.Encrypt)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// SAMLKeyPair returns the service provider's RSA key and self-signed certificate, which sign
// AuthnRequests and decrypt encrypted assertions. They are generated once into the data folder
// (saml.key and saml.crt, PEM, mode 0600): identity providers pin the certificate, so it must
// outlive restarts, and every instance sharing a database needs a copy of both files.
func (k *Keys) SAMLKeyPair() (*rsa.PrivateKey, *x509.Certificate, error) {
	k.samlMu.Lock()
	defer k.samlMu.Unlock()
	if k.samlKey != nil {
		return k.samlKey, k.samlCert, nil
	}
	keyPath, certPath := filepath.Join(k.dir, "saml.key"), filepath.Join(k.dir, "saml.crt")
	keyPEM, kerr := os.ReadFile(keyPath)
	certPEM, cerr := os.ReadFile(certPath)
	if errors.Is(kerr, fs.ErrNotExist) && errors.Is(cerr, fs.ErrNotExist) {
		var err error
		if keyPEM, certPEM, err = newSAMLKeyPair(); err != nil {
			return nil, nil, err
		}
		if err := writeNew(keyPath, keyPEM); err != nil {
			return nil, nil, err
		}
		if err := writeNew(certPath, certPEM); err != nil {
			return nil, nil, err
		}
	} else if kerr != nil || cerr != nil {
		return nil, nil, fmt.Errorf("SAML key pair: %w", errors.Join(kerr, cerr))
	}
	kb, _ := pem.Decode(keyPEM)
	cb, _ := pem.Decode(certPEM)
	if kb == nil || cb == nil {
		return nil, nil, fmt.Errorf("SAML key pair in %s: not PEM", k.dir)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%s: not an RSA key", keyPath)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", certPath, err)
	}
	k.samlKey, k.samlCert = key, cert
	return key, cert, nil
}

func newSAMLKeyPair() (keyPEM, certPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: "Admin Center SAML service provider"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(20, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
