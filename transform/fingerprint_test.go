package transform

import (
	"reflect"
	"testing"
)

// unfingerprinted lists the fields of Options that Fingerprint leaves out on
// purpose, with the reason.
var unfingerprinted = map[string]string{
	"Kernel.At": "a function cannot be compared: Kernel.Name identifies it",
}

// TestFingerprintCoversEveryOption changes every field of Options in turn,
// nested ones included, and requires a different fingerprint, so that a
// field added later without being fingerprinted fails here.
func TestFingerprintCoversEveryOption(t *testing.T) {
	base := testOptions.Fingerprint()
	var walk func(path string, v reflect.Value)
	seen := 0
	walk = func(path string, v reflect.Value) {
		for i := 0; i < v.NumField(); i++ {
			f, sf := v.Field(i), v.Type().Field(i)
			name := path + sf.Name
			if _, ok := unfingerprinted[name]; ok {
				continue
			}
			if f.Kind() == reflect.Struct {
				walk(name+".", f)
				continue
			}
			old := reflect.New(f.Type()).Elem()
			old.Set(f)
			switch f.Kind() {
			case reflect.Int, reflect.Int64:
				f.SetInt(7) // no limit's default
			case reflect.Float64:
				f.SetFloat(0.25)
			case reflect.Bool:
				f.SetBool(!f.Bool())
			case reflect.String:
				f.SetString("fingerprint-test")
			default:
				t.Errorf("Options.%s is a %s: teach this test to change it, and Fingerprint to cover it", name, f.Kind())
				continue
			}
			seen++
			// v is addressable: it is the Options under test.
			if got := testOptions.Fingerprint(); got == base {
				t.Errorf("changing Options.%s leaves the fingerprint %q", name, got)
			}
			f.Set(old)
		}
	}
	walk("", reflect.ValueOf(&testOptions).Elem())
	if seen < 8 {
		t.Errorf("only %d fields changed; the walk is broken", seen)
	}
	if got := testOptions.Fingerprint(); got != base {
		t.Errorf("fields were not restored: %q", got)
	}
}

// testOptions is the Options TestFingerprintCoversEveryOption changes. Its
// kernel is set: Render replaces a kernel with neither Name nor At by
// Lanczos3, whatever its Support.
var testOptions = Options{Kernel: Lanczos3}

func TestFingerprintDefaults(t *testing.T) {
	var nilOpts *Options
	zero := (&Options{}).Fingerprint()
	spelled := (&Options{Limits: Limits{}.WithDefaults(), Kernel: Lanczos3}).Fingerprint()
	if nilOpts.Fingerprint() != zero || spelled != zero {
		t.Errorf("defaults: nil %q, zero %q, spelled out %q", nilOpts.Fingerprint(), zero, spelled)
	}
	if (&Options{Kernel: CatmullRom}).Fingerprint() == zero {
		t.Error("another kernel has the default fingerprint")
	}
}
