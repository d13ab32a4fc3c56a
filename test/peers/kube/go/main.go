// kube-apiserver test peer for gic: runs a real kube-apiserver (k8s.io/kubernetes, in-process) on an
// embedded etcd, both on loopback, with RBAC, ValidatingAdmissionPolicy, service accounts and the CRDs
// passed with --crd; prints one JSON line {"kubeconfig": ...} on stdout once ready and shuts down on
// SIGINT/SIGTERM. A test fixture only: throwaway PKI, no fsync, never expose it beyond 127.0.0.1.
//
// Usage: kube-apiserver-peer --data-dir DIR [--secure-port N] [--etcd-client-port N] [--etcd-peer-port N]
//
//	[--crd FILE_OR_DIR]... [--ready-timeout 3m] [-- extra kube-apiserver flags]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// readyLine is the one line printed on stdout when the server is ready.
type readyLine struct {
	Kubeconfig string `json:"kubeconfig"`
	Server     string `json:"server"`
	DataDir    string `json:"dataDir"`
	Etcd       string `json:"etcd"`
	CRDs       int    `json:"crds"`
	Pid        int    `json:"pid"`
}

func main() {
	os.Exit(run())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func run() int {
	fs := flag.NewFlagSet("kube-apiserver-peer", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "directory for etcd data, PKI and the kubeconfig (required)")
	securePort := fs.Int("secure-port", 0, "kube-apiserver port on 127.0.0.1 (0 = pick a free one)")
	etcdClientPort := fs.Int("etcd-client-port", 0, "etcd client port on 127.0.0.1 (0 = pick)")
	etcdPeerPort := fs.Int("etcd-peer-port", 0, "etcd peer port on 127.0.0.1 (0 = pick)")
	readyTimeout := fs.Duration("ready-timeout", 3*time.Minute, "how long to wait for /readyz and the CRDs")
	var crdPaths stringList
	fs.Var(&crdPaths, "crd", "CRD YAML file or directory of *.yaml files to install (repeatable)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "--data-dir is required")
		return 2
	}
	extraArgs := fs.Args()

	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "kube-apiserver-peer: "+format+"\n", args...)
		return 1
	}

	// The command installs the SIGINT/SIGTERM handler (a second signal exits at once); its context
	// is ours too, so a signal at any point below leads to a clean stop.
	cmd := app.NewAPIServerCommand()
	ctx := cmd.Context()

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		return fail("%v", err)
	}
	for _, p := range []*int{securePort, etcdClientPort, etcdPeerPort} {
		if *p == 0 {
			if *p, err = freePort(); err != nil {
				return fail("pick port: %v", err)
			}
		}
	}
	files, err := crdFiles(crdPaths)
	if err != nil {
		return fail("CRD paths: %v", err)
	}
	crds, err := readCRDs(files)
	if err != nil {
		return fail("read CRDs: %v", err)
	}

	certs, err := writePKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fail("PKI: %v", err)
	}

	etcd, err := startEtcd(filepath.Join(dir, "etcd"), *etcdClientPort, *etcdPeerPort)
	if err != nil {
		return fail("%v", err)
	}
	defer etcd.Close()
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", *etcdClientPort)
	server := fmt.Sprintf("https://127.0.0.1:%d", *securePort)

	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", *securePort),
		"--cert-dir=" + filepath.Join(dir, "pki"),
		"--tls-cert-file=" + certs.serverCert,
		"--tls-private-key-file=" + certs.serverKey,
		"--client-ca-file=" + certs.caCert,
		"--authorization-mode=RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,ValidatingAdmissionPolicy,ValidatingAdmissionWebhook,MutatingAdmissionWebhook",
		// No kube-controller-manager runs, so no "default" ServiceAccount is ever created (as envtest).
		"--disable-admission-plugins=ServiceAccount",
		"--service-account-issuer=" + server,
		"--service-account-key-file=" + certs.saPub,
		"--service-account-signing-key-file=" + certs.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		"--allow-privileged=true",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--endpoint-reconciler-type=none",
		"--default-watch-cache-size=20",
	}
	cmd.SetArgs(append(args, extraArgs...))
	exited := make(chan error, 1)
	go func() { exited <- cmd.Execute() }()

	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, certs); err != nil {
		return fail("kubeconfig: %v", err)
	}
	cfg := &rest.Config{
		Host: server,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: certs.caPEM, CertData: certs.adminCertPEM, KeyData: certs.adminKeyPEM,
		},
		QPS: 100, Burst: 200,
	}

	readyCtx, cancelReady := context.WithTimeout(ctx, *readyTimeout)
	defer cancelReady()
	waitErr := make(chan error, 1)
	go func() {
		if err := waitReady(readyCtx, cfg); err != nil {
			waitErr <- err
			return
		}
		waitErr <- installCRDs(readyCtx, cfg, crds)
	}()
	select {
	case err := <-exited:
		return fail("kube-apiserver exited before it was ready: %v", err)
	case err := <-waitErr:
		if err != nil {
			if ctx.Err() != nil {
				return shutdown(exited)
			}
			return fail("not ready: %v", err)
		}
	}

	line, _ := json.Marshal(readyLine{
		Kubeconfig: kubeconfig, Server: server, DataDir: dir, Etcd: etcdURL, CRDs: len(crds), Pid: os.Getpid(),
	})
	fmt.Println(string(line))

	select {
	case err := <-exited:
		if ctx.Err() == nil {
			return fail("kube-apiserver exited: %v", err)
		}
		return 0
	case <-ctx.Done():
		return shutdown(exited)
	}
}

// shutdown waits (bounded) for the apiserver to finish its graceful stop after a signal.
func shutdown(exited <-chan error) int {
	select {
	case <-exited:
		return 0
	case <-time.After(20 * time.Second):
		fmt.Fprintln(os.Stderr, "kube-apiserver-peer: apiserver did not stop within 20s; exiting")
		return 1
	}
}

// waitReady polls /readyz with the admin credentials until it answers "ok".
func waitReady(ctx context.Context, cfg *rest.Config) error {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	var last error
	for {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("/readyz: %v (last: %v)", ctx.Err(), last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// writeKubeconfig writes a self-contained kubeconfig (inline CA and admin client certificate).
func writeKubeconfig(path, server string, certs *pki) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["gic-test"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: certs.caPEM}
	cfg.AuthInfos["gic-admin"] = &clientcmdapi.AuthInfo{
		ClientCertificateData: certs.adminCertPEM, ClientKeyData: certs.adminKeyPEM,
	}
	cfg.Contexts["gic-test"] = &clientcmdapi.Context{Cluster: "gic-test", AuthInfo: "gic-admin", Namespace: "default"}
	cfg.CurrentContext = "gic-test"
	return clientcmd.WriteToFile(*cfg, path)
}
