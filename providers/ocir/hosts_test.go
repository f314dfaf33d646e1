package ocir

import "testing"

func TestIsOCIRHost(t *testing.T) {
	tests := []struct {
		name string
		host string
		want bool
	}{
		{name: "region key", host: "iad.ocir.io", want: true},
		{name: "region name", host: "us-ashburn-1.ocir.io", want: true},
		{name: "new style", host: "ocir.us-ashburn-1.oci.oraclecloud.com", want: true},
		{name: "bare ocir.io", host: "ocir.io", want: false},
		{name: "two labels", host: "a.iad.ocir.io", want: false},
		{name: "suffix attack", host: "iad.ocir.io.evil.example", want: false},
		{name: "glued", host: "evilocir.io", want: false},
		{name: "port", host: "iad.ocir.io:443", want: false},
		{name: "upper case (not normalised)", host: "IAD.ocir.io", want: false},
		{name: "new style, other domain", host: "ocir.us-ashburn-1.oci.oraclecloud.com.evil", want: false},
		{name: "new style, missing region", host: "ocir.oci.oraclecloud.com", want: false},
		{name: "leading hyphen", host: "-iad.ocir.io", want: false},
		{name: "path", host: "iad.ocir.io/ns/repo", want: false},
		{name: "empty", host: "", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsOCIRHost(tc.host); got != tc.want {
				t.Errorf("IsOCIRHost(%q) = %v, want %v", tc.host, got, tc.want)
			}
		})
	}
}
