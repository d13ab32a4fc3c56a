// Test-only PKI for the kube-apiserver peer: a throwaway CA, the server's serving certificate, an
// admin client certificate in group system:masters and the service-account signing key. Never use
// these keys for anything but a loopback test server.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki holds the PEM files written into the certificate directory.
type pki struct {
	caCert, serverCert, serverKey, saKey, saPub string
	caPEM, adminCertPEM, adminKeyPEM            []byte
}

func newKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

func keyPEM(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func signCert(tmpl *x509.Certificate, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, []byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(7 * 24 * time.Hour)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// writePKI generates every key and certificate the server needs into dir.
func writePKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	write := func(name string, data []byte) (string, error) {
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, data, 0o600)
	}
	caKey, err := newKey()
	if err != nil {
		return nil, err
	}
	ca, caPEM, err := signCert(&x509.Certificate{
		Subject:               pkix.Name{CommonName: "gic-test-ca"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("CA: %w", err)
	}

	serverKey, err := newKey()
	if err != nil {
		return nil, err
	}
	_, serverPEM, err := signCert(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
			"kubernetes.default.svc.cluster.local"},
	}, ca, serverKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("serving cert: %w", err)
	}

	adminKey, err := newKey()
	if err != nil {
		return nil, err
	}
	_, adminPEM, err := signCert(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "gic-admin", Organization: []string{"system:masters"}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca, adminKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("admin cert: %w", err)
	}

	saKey, err := newKey()
	if err != nil {
		return nil, err
	}
	saPubDER, err := x509.MarshalPKIXPublicKey(saKey.Public())
	if err != nil {
		return nil, err
	}

	serverKeyPEM, err := keyPEM(serverKey)
	if err != nil {
		return nil, err
	}
	adminKeyPEM, err := keyPEM(adminKey)
	if err != nil {
		return nil, err
	}
	saKeyPEM, err := keyPEM(saKey)
	if err != nil {
		return nil, err
	}

	p := &pki{caPEM: caPEM, adminCertPEM: adminPEM, adminKeyPEM: adminKeyPEM}
	for _, f := range []struct {
		dst  *string
		name string
		data []byte
	}{
		{&p.caCert, "ca.crt", caPEM},
		{&p.serverCert, "apiserver.crt", serverPEM},
		{&p.serverKey, "apiserver.key", serverKeyPEM},
		{&p.saKey, "sa-signer.key", saKeyPEM},
		{&p.saPub, "sa-signer.pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPubDER})},
	} {
		if *f.dst, err = write(f.name, f.data); err != nil {
			return nil, err
		}
	}
	if _, err := write("admin.crt", adminPEM); err != nil {
		return nil, err
	}
	if _, err := write("admin.key", adminKeyPEM); err != nil {
		return nil, err
	}
	return p, nil
}
