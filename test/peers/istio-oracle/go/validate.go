// `oracle validate`: Istio's verdict on each document of a YAML text, layer by layer, the way a
// cluster with Istio installed decides a `kubectl apply` (strict field validation):
//
//	yaml:    the document does not decode (istioctl validate's yaml.UnmarshalStrict)
//	crd:     kube-apiserver with Istio's CRDs rejects it (see crd.go)
//	schema:  Istio's strict proto conversion of spec fails (istioctl validate's ApplyJSONStrict:
//	         unknown field, wrong type, bad enum or duration)
//	webhook: istiod's validating webhook rejects it (crd.ConvertObject + schema.ValidateConfig +
//	         top-level field check, as pkg/webhooks/validation/server does)
//
// Every error string starts with its layer and ": ". Warnings are the webhook's (schema.ValidateConfig).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/go-multierror"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kschema "k8s.io/apimachinery/pkg/runtime/schema"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"istio.io/istio/pilot/pkg/config/kube/crd"
	"istio.io/istio/pkg/config"
	"istio.io/istio/pkg/config/schema/collections"
	"istio.io/istio/pkg/config/schema/resource"
)

// The domain suffix istiod's webhook passes to the conversion (only used for Meta.Domain).
const domainSuffix = "cluster.local"

type resourceResult struct {
	Document   int      `json:"document"`
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Namespace  string   `json:"namespace"`
	Name       string   `json:"name"`
	Valid      bool     `json:"valid"`
	Skipped    bool     `json:"skipped,omitempty"`
	Errors     []string `json:"errors"`
	Warnings   []string `json:"warnings"`
}

type fileResult struct {
	Valid     bool             `json:"valid"`
	Errors    []string         `json:"errors"`
	Warnings  []string         `json:"warnings"`
	Resources []resourceResult `json:"resources"`
}

type validator struct {
	crds *crdLayer
}

func newValidator(crdFile string) (*validator, error) {
	layer, err := newCRDLayer(crdFile)
	if err != nil {
		return nil, err
	}
	return &validator{crds: layer}, nil
}

// validateFile validates every non-empty document of text; Document counts non-empty documents from 0.
func (v *validator) validateFile(text string) fileResult {
	out := fileResult{Valid: true, Errors: []string{}, Warnings: []string{}, Resources: []resourceResult{}}
	reader := kubeyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(text)))
	index := 0
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			out.add(resourceResult{Document: index, Errors: []string{"yaml: " + err.Error()}, Warnings: []string{}})
			break
		}
		obj := map[string]any{}
		if err := yaml.UnmarshalStrict(doc, &obj); err != nil {
			out.add(resourceResult{Document: index, Errors: []string{"yaml: " + err.Error()}, Warnings: []string{}})
			index++
			continue
		}
		if len(obj) == 0 {
			continue
		}
		r := v.validateObject(&unstructured.Unstructured{Object: obj})
		r.Document = index
		out.add(r)
		index++
	}
	return out
}

func (f *fileResult) add(r resourceResult) {
	r.Valid = len(r.Errors) == 0
	if !r.Valid {
		f.Valid = false
	}
	prefix := fmt.Sprintf("%s/%s/%s: ", r.Kind, r.Namespace, r.Name)
	for _, e := range r.Errors {
		f.Errors = append(f.Errors, prefix+e)
	}
	for _, w := range r.Warnings {
		f.Warnings = append(f.Warnings, prefix+w)
	}
	f.Resources = append(f.Resources, r)
}

func (v *validator) validateObject(un *unstructured.Unstructured) resourceResult {
	r := resourceResult{
		APIVersion: un.GetAPIVersion(),
		Kind:       un.GetKind(),
		Namespace:  un.GetNamespace(),
		Name:       un.GetName(),
		Errors:     []string{},
		Warnings:   []string{},
	}
	// kubectl applies a namespace-less object to "default"; istioctl validate assumes the same.
	if r.Namespace == "" {
		r.Namespace = "default"
		un.SetNamespace("default")
	}
	kgvk := un.GroupVersionKind()
	igvk := resource.FromKubernetesGVK(&kgvk)
	s, known := collections.Pilot.FindByGroupVersionAliasesKind(igvk)
	if !known {
		s, known = collections.Pilot.FindByGroupKind(igvk)
	}
	if !known && !v.crds.serves(kgvk) && !isIstioGroup(kgvk) {
		// Not an Istio resource: istioctl validate does not judge it either.
		r.Skipped = true
		return r
	}
	crdErrors, admitted := v.crds.validate(un)
	for _, e := range crdErrors {
		r.Errors = append(r.Errors, "crd: "+e)
	}
	if !known {
		return r
	}

	// istioctl validate: strict proto conversion of spec.
	specJSON, err := json.Marshal(un.Object["spec"])
	if err != nil {
		r.Errors = append(r.Errors, "schema: "+err.Error())
		return r
	}
	strict, err := s.NewInstance()
	if err == nil {
		err = config.ApplyJSONStrict(strict, string(specJSON))
	}
	if err != nil {
		r.Errors = append(r.Errors, "schema: cannot parse proto message: "+err.Error())
	}

	// istiod webhook: the object the API server admits, lenient conversion, then the kind's validation.
	raw, err := json.Marshal(admitted.Object)
	if err != nil {
		r.Errors = append(r.Errors, "webhook: cannot decode configuration: "+err.Error())
		return r
	}
	var obj crd.IstioKind
	if err := json.Unmarshal(raw, &obj); err != nil {
		r.Errors = append(r.Errors, "webhook: cannot decode configuration: "+err.Error())
		return r
	}
	cfg, err := crd.ConvertObject(s, &obj, domainSuffix)
	if err != nil {
		// The same proto conversion failure the schema layer reported (or a lenient-only one).
		if len(r.Errors) == 0 || !strings.HasPrefix(r.Errors[len(r.Errors)-1], "schema: ") {
			r.Errors = append(r.Errors, "schema: error decoding configuration: "+err.Error())
		}
		return r
	}
	warning, err := s.ValidateConfig(*cfg)
	for _, e := range flatten(err) {
		r.Errors = append(r.Errors, "webhook: "+e)
	}
	r.Warnings = append(r.Warnings, flatten(warning)...)
	for key := range admitted.Object {
		switch key {
		case "apiVersion", "kind", "metadata", "spec", "status":
		default:
			r.Errors = append(r.Errors, fmt.Sprintf("webhook: unknown field %q on %s resource %s/%s", key, r.Kind, r.Namespace, r.Name))
		}
	}
	return r
}

func isIstioGroup(gvk kschema.GroupVersionKind) bool {
	return gvk.Group == "istio.io" || strings.HasSuffix(gvk.Group, ".istio.io")
}

// flatten turns a (possibly nested) multierror into its leaf messages.
func flatten(err error) []string {
	if err == nil {
		return nil
	}
	var me *multierror.Error
	if errors.As(err, &me) && me != nil {
		var out []string
		for _, e := range me.Errors {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []string{err.Error()}
}
