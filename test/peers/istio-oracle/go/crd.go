// The API-server layer of Istio validation: what kube-apiserver does with a custom resource of one of
// Istio's CRDs on create before any webhook sees it (strict decoding of unknown fields, metadata
// validation, OpenAPI schema, list-type invariants, CEL x-kubernetes-validations). It mirrors
// apiextensions-apiserver's customResourceStrategy.Validate and istio's pkg/config/crd validator,
// with the CRD definitions from manifests/charts/base/files/crd-all.gen.yaml of the pinned module.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	structurallisttype "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiextvalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kubeyaml "k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

type crdVersion struct {
	openAPI    *apiextensions.JSONSchemaProps
	once       sync.Once
	err        error
	validator  apiextvalidation.SchemaCreateValidator
	structural *structuralschema.Structural
	cel        *cel.Validator
}

// crdLayer holds Istio's CRDs by group/version/kind; validators are built on first use (CEL compilation
// of every CRD would dominate the start-up time).
type crdLayer struct {
	byGVK map[schema.GroupVersionKind]*crdVersion
}

func newCRDLayer(path string) (*crdLayer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading Istio CRDs (build the oracle with scripts/peers/build-istio-oracle.sh): %v", err)
	}
	layer := &crdLayer{byGVK: map[schema.GroupVersionKind]*crdVersion{}}
	dec := kubeyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 512*1024)
	for {
		un := &unstructured.Unstructured{}
		if err := dec.Decode(un); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if un.GroupVersionKind() != apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition") {
			continue
		}
		v1 := apiextensionsv1.CustomResourceDefinition{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(un.UnstructuredContent(), &v1); err != nil {
			return nil, err
		}
		crd := apiextensions.CustomResourceDefinition{}
		if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(&v1, &crd, nil); err != nil {
			return nil, err
		}
		for _, ver := range crd.Spec.Versions {
			s := ver.Schema
			if s == nil {
				s = crd.Spec.Validation
			}
			if s == nil || !ver.Served {
				continue
			}
			gvk := schema.GroupVersionKind{Group: crd.Spec.Group, Version: ver.Name, Kind: crd.Spec.Names.Kind}
			layer.byGVK[gvk] = &crdVersion{openAPI: s.OpenAPIV3Schema}
		}
	}
	return layer, nil
}

func (v *crdVersion) build() error {
	v.once.Do(func() {
		sv, _, err := apiextvalidation.NewSchemaValidator(v.openAPI)
		if err != nil {
			v.err = err
			return
		}
		st, err := structuralschema.NewStructural(v.openAPI)
		if err != nil {
			v.err = err
			return
		}
		v.validator, v.structural = sv, st
		v.cel = cel.NewValidator(st, true, celconfig.PerCallLimit)
	})
	return v.err
}

// serves reports whether a CRD serves this group/version/kind.
func (l *crdLayer) serves(gvk schema.GroupVersionKind) bool {
	_, ok := l.byGVK[gvk]
	return ok
}

// validate returns the API server's errors for creating obj (a namespaced custom resource), and the
// object as the API server hands it on to admission webhooks: unknown fields pruned, non-nullable
// nulls dropped, defaults applied.
func (l *crdLayer) validate(obj *unstructured.Unstructured) ([]string, *unstructured.Unstructured) {
	gvk := obj.GroupVersionKind()
	v, ok := l.byGVK[gvk]
	if !ok {
		return []string{fmt.Sprintf("no CustomResourceDefinition serves %s", gvk.String())}, obj
	}
	if err := v.build(); err != nil {
		return []string{fmt.Sprintf("cannot build the schema of %s: %v", gvk.String(), err)}, obj
	}
	u := obj.DeepCopy()
	var out []string

	// Decoding (unstructuredSchemaCoercer): strict field validation (kubectl's default) makes the
	// pruned unknown fields errors; non-nullable nulls without defaults are dropped silently.
	out = append(out, unknownMetadataFields(u.Object["metadata"])...)
	opts := structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true}
	for _, p := range structuralpruning.PruneWithOptions(u.Object, v.structural, true, opts) {
		out = append(out, fmt.Sprintf("unknown field %q", p))
	}
	structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u.Object, v.structural)
	structuraldefaulting.Default(u.Object, v.structural)

	// rest.BeforeCreate: a name is generated from generateName (SimpleNameGenerator: at most 58
	// characters of the prefix and 5 random ones) before the object is validated.
	if u.GetName() == "" && u.GetGenerateName() != "" {
		base := u.GetGenerateName()
		if len(base) > 58 {
			base = base[:58]
		}
		u.SetName(base + "x2b7z")
	}

	// customResourceStrategy.Validate.
	var errs field.ErrorList
	errs = append(errs, apivalidation.ValidateObjectMetaAccessor(u, true, apivalidation.NameIsDNSSubdomain, field.NewPath("metadata"))...)
	errs = append(errs, apiextvalidation.ValidateCustomResource(nil, u.UnstructuredContent(), v.validator)...)
	errs = append(errs, schemaobjectmeta.Validate(nil, u.Object, v.structural, false)...)
	errs = append(errs, structurallisttype.ValidateListSetsAndMaps(nil, v.structural, u.Object)...)
	if v.cel != nil {
		if has, blocking := hasBlockingErr(errs); has {
			errs = append(errs, blocking)
		} else {
			celErrs, _ := v.cel.Validate(context.Background(), nil, v.structural, u.Object, nil, celconfig.RuntimeCELCostBudget)
			errs = append(errs, celErrs...)
		}
	}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out, u
}

// hasBlockingErr is apiextensions-apiserver's rule for skipping CEL rules after structural errors.
func hasBlockingErr(errs field.ErrorList) (bool, *field.Error) {
	for _, err := range errs {
		switch err.Type {
		case field.ErrorTypeNotSupported, field.ErrorTypeRequired, field.ErrorTypeTooLong, field.ErrorTypeTooMany, field.ErrorTypeTypeInvalid:
			return true, field.Invalid(nil, nil, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation")
		}
	}
	return false, nil
}

// unknownMetadataFields reports fields of metadata that ObjectMeta does not have, as strict decoding does.
func unknownMetadataFields(meta any) []string {
	if meta == nil {
		return nil
	}
	raw, err := json.Marshal(meta)
	if err != nil {
		return []string{fmt.Sprintf("metadata: %v", err)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var om metav1.ObjectMeta
	if err := dec.Decode(&om); err != nil {
		return []string{fmt.Sprintf("metadata: %v", err)}
	}
	return nil
}
