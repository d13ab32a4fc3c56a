// Command oracle is gic's Istio oracle test peer: it answers with Istio's own code (istio.io/istio,
// pinned in go.mod) whether security resources are valid and what `istioctl analyze` says about a
// directory of manifests, as JSON on stdout. It is a test peer only: gic never links or ships it.
//
//	oracle validate FILE            one (multi-document) YAML file  -> FileResult
//	oracle validate-batch FILE.json JSON array of YAML texts        -> [FileResult]
//	oracle analyze DIR [--files-only] [--namespace NS] [--meshconfig FILE] -> [AnalyzerMessage]
//	oracle evaluate FILE.json       JSON array of meshes + requests -> [[EvalResult]] (evaluate.go)
//	oracle version                  the pinned versions             -> {"istio": ..., "api": ...}
//
// The CRD schemas (crd-all.gen.yaml of the same istio.io/istio module) are read from --crds PATH, the
// ISTIO_ORACLE_CRDS environment variable, or crd-all.gen.yaml beside the executable.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"istio.io/istio/pkg/log"
)

func main() {
	// Istio's packages log through their own scopes; keep stdout for the JSON answer only.
	opts := log.DefaultOptions()
	opts.OutputPaths = []string{"stderr"}
	opts.ErrorOutputPaths = []string{"stderr"}
	_ = log.Configure(opts)
	for _, s := range log.Scopes() {
		s.SetOutputLevel(log.ErrorLevel)
	}

	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "oracle: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: oracle validate FILE | validate-batch FILE.json | analyze DIR | evaluate FILE.json | version")
	}
	cmd, rest := args[0], args[1:]
	crds, rest := takeFlag(rest, "--crds")
	switch cmd {
	case "version":
		return writeJSON(versions())
	case "validate", "validate-batch":
		if len(rest) != 1 {
			return fmt.Errorf("usage: oracle %s FILE", cmd)
		}
		v, err := newValidator(crdPath(crds))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(rest[0])
		if err != nil {
			return err
		}
		if cmd == "validate" {
			return writeJSON(v.validateFile(string(data)))
		}
		var texts []string
		if err := json.Unmarshal(data, &texts); err != nil {
			return fmt.Errorf("validate-batch wants a JSON array of YAML texts: %v", err)
		}
		out := make([]fileResult, 0, len(texts))
		for _, t := range texts {
			out = append(out, v.validateFile(t))
		}
		return writeJSON(out)
	case "evaluate":
		if len(rest) != 1 {
			return errors.New("usage: oracle evaluate FILE.json")
		}
		return runEvaluate(rest[0])
	case "analyze":
		ns, rest := takeFlag(rest, "--namespace")
		mesh, rest := takeFlag(rest, "--meshconfig")
		filesOnly := false
		dirs := []string{}
		for _, a := range rest {
			if a == "--files-only" {
				filesOnly = true
			} else {
				dirs = append(dirs, a)
			}
		}
		if len(dirs) != 1 {
			return errors.New("usage: oracle analyze DIR [--files-only] [--namespace NS] [--meshconfig FILE]")
		}
		msgs, err := analyzeDir(dirs[0], analyzeOptions{namespace: ns, meshConfig: mesh, filesOnly: filesOnly})
		if err != nil {
			return err
		}
		return writeJSON(msgs)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// takeFlag removes "--name VALUE" or "--name=VALUE" from args and returns VALUE ("" if absent).
func takeFlag(args []string, name string) (string, []string) {
	out := make([]string, 0, len(args))
	value := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == name && i+1 < len(args):
			value = args[i+1]
			i++
		case len(a) > len(name)+1 && a[:len(name)+1] == name+"=":
			value = a[len(name)+1:]
		default:
			out = append(out, a)
		}
	}
	return value, out
}

func crdPath(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("ISTIO_ORACLE_CRDS"); env != "" {
		return env
	}
	exe, err := os.Executable()
	if err != nil {
		return "crd-all.gen.yaml"
	}
	return filepath.Join(filepath.Dir(exe), "crd-all.gen.yaml")
}

func versions() map[string]string {
	out := map[string]string{}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	out["go"] = info.GoVersion
	for _, d := range info.Deps {
		switch d.Path {
		case "istio.io/istio":
			out["istio"] = d.Version
		case "istio.io/api":
			out["api"] = d.Version
		case "k8s.io/apiextensions-apiserver":
			out["apiextensions"] = d.Version
		}
	}
	return out
}

func writeJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
