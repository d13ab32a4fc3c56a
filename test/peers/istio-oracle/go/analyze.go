// `oracle analyze DIR`: Istio's analyzers over local files, as `istioctl analyze --use-kube=false -A DIR`
// runs them (local.NewIstiodAnalyzer + analyzers.AllCombined, default mesh config and default ingress
// resources). Like istioctl, files-only analysis ignores Pods, Namespaces, Services, Nodes and Secrets
// in the files; --include-runtime loads them too (as Istio's own analyzer tests do), so namespace and
// workload checks see the fixture's mesh.
package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"

	"istio.io/istio/pkg/config/analysis/analyzers"
	"istio.io/istio/pkg/config/analysis/local"
	"istio.io/istio/pkg/config/resource"
)

type analyzeOptions struct {
	namespace      string // "" = all namespaces (-A)
	meshConfig     string
	includeRuntime bool
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
	if o.includeRuntime {
		err = sa.AddTestReaderKubeSource(readers)
	} else {
		err = sa.AddReaderKubeSource(readers)
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
	out := []analyzerMessage{}
	for _, m := range result.Messages.SetDocRef("istioctl-analyze") {
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
