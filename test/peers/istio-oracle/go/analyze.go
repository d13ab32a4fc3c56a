// `oracle analyze DIR`: Istio's analyzers over local files (local.NewIstiodAnalyzer +
// analyzers.AllCombined, default mesh config and default ingress resources, all namespaces).
//
// By default the files' Pods, Namespaces, Services, Nodes and Secrets are read too (as Istio's own
// analyzer tests do, and as analyzing a live cluster holding those files would): without them
// `istioctl analyze --use-kube=false` skips every analyzer that needs them, among which
// auth.AuthorizationPoliciesAnalyzer (IST0101, IST0127). --files-only is exactly istioctl's mode.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"istio.io/istio/pkg/config/analysis/analyzers"
	"istio.io/istio/pkg/config/analysis/local"
	"istio.io/istio/pkg/config/resource"
)

type analyzeOptions struct {
	namespace  string // "" = all namespaces (-A)
	meshConfig string
	filesOnly  bool
}

type analyzerMessage struct {
	Code      string `json:"code"`
	Level     string `json:"level"`
	Origin    string `json:"origin"`
	Reference string `json:"reference,omitempty"`
	Message   string `json:"message"`
}

func analyzeDir(dir string, o analyzeOptions) ([]analyzerMessage, error) {
	sa := local.NewIstiodAnalyzer(analyzers.AllCombined(), resource.Namespace(o.namespace), resource.Namespace("istio-system"), nil)
	if o.meshConfig != "" {
		if err := sa.AddFileKubeMeshConfig(o.meshConfig); err != nil {
			return nil, err
		}
	}
	var readers []local.ReaderSource
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		readers = append(readers, local.ReaderSource{Name: path, Reader: bytes.NewReader(data)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The first reader source fixes which kinds are read, so the files go in before the defaults.
	if o.filesOnly {
		err = sa.AddReaderKubeSource(readers)
	} else {
		err = sa.AddTestReaderKubeSource(readers)
	}
	if err != nil {
		return nil, err
	}
	if err := sa.AddDefaultResources(); err != nil {
		return nil, err
	}
	cancel := make(chan struct{})
	result, err := sa.Analyze(cancel)
	if err != nil {
		return nil, err
	}
	for _, name := range result.SkippedAnalyzers {
		fmt.Fprintf(os.Stderr, "oracle analyze: skipped analyzer %s (an input kind is missing)\n", name)
	}
	out := []analyzerMessage{}
	for _, m := range *result.Messages.SetDocRef("istioctl-analyze") {
		u := m.Unstructured(true)
		am := analyzerMessage{}
		am.Code, _ = u["code"].(string)
		am.Level, _ = u["level"].(string)
		am.Origin, _ = u["origin"].(string)
		am.Reference, _ = u["reference"].(string)
		am.Message, _ = u["message"].(string)
		out = append(out, am)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Origin != out[j].Origin {
			return out[i].Origin < out[j].Origin
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}
