package federation

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/idna"
)

func TestParseOrigin(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"https://lingen.example", "https://lingen.example"},
		{"https://lingen.example/", "https://lingen.example"},
		{"HTTPS://Lingen.EXAMPLE", "https://lingen.example"},
		{"https://lingen.example:443", "https://lingen.example"},
		{"http://lingen.example:80/", "http://lingen.example"},
		{"https://lingen.example:8443", "https://lingen.example:8443"},
		{"http://lingen.example:443", "http://lingen.example:443"},
		{"https://lingen.example:0443", "https://lingen.example"},
		{"https://lingen.example:08443", "https://lingen.example:8443"},
		{"https://lingen.example:", "https://lingen.example"},
		{"https://münster.example", "https://xn--mnster-3ya.example"},
		{"https://MÜNSTER.example", "https://xn--mnster-3ya.example"},
		{"https://M%C3%BCnster.example", "https://xn--mnster-3ya.example"},
		{"https://xn--mnster-3ya.example", "https://xn--mnster-3ya.example"},
		{"https://straße.example", "https://xn--strae-oqa.example"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"http://[0:0:0:0:0:0:0:1]:80", "http://[::1]"},
		{"https://[2001:DB8:0:0:1:0:0:1]", "https://[2001:db8::1:0:0:1]"},
		{"https://[::ffff:192.0.2.1]", "https://[::ffff:c000:201]"},
		{"http://127.0.0.1:8081", "http://127.0.0.1:8081"},
		{"http://localhost:8082", "http://localhost:8082"},
		{"https://lingen.example.", "https://lingen.example."},
		{"https://LINGEN.example.:443/", "https://lingen.example."},
		{"https://lingen。example", "https://lingen.example"},
		{"https://ｌｉｎｇｅｎ.example", "https://lingen.example"},
		{"https://xn--prtal-jye.example", "https://xn--prtal-jye.example"},
		{"https://pоrtal.example", "https://xn--prtal-jye.example"},
	}
	for _, tt := range tests {
		got, err := ParseOrigin(tt.raw)
		if err != nil {
			t.Errorf("ParseOrigin(%q): %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseOrigin(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestParseOriginRejects(t *testing.T) {
	tests := []struct {
		raw, reason string
	}{
		{"", "does not start with https:// or http://"},
		{"lingen.example", "does not start with https:// or http://"},
		{"localhost:8080", "does not start with https:// or http://"},
		{"ftp://lingen.example", "does not start with https:// or http://"},
		{"https:lingen.example", `lacks "//" after "https:"`},
		{"https://", "has no host name"},
		{"https:///portal", "has no host name"},
		{"https://lingen.example/portal", `has the path "/portal"`},
		{"https://lingen.example//", `has the path "//"`},
		{"https://lingen.example?x=1", "has a query"},
		{"https://lingen.example/?", "has a query"},
		{"https://lingen.example#top", "has a fragment"},
		{"https://lingen.example/#", "has a fragment"},
		{"https://user@lingen.example", "has user info"},
		{"https://user:secret@lingen.example", "has user info"},
		{"https://@lingen.example", "has user info"},
		{"https://lingen.example:99999", "has the port 99999"},
		{"https://lingen.example:abc", `invalid port ":abc"`},
		{"https://lin gen.example", "invalid character"},
		{"https://my_portal.example", `has the invalid host name "my_portal.example"`},
		{"https://-lingen.example", "has the invalid host name"},
		{"https://[fe80::1%25eth0]", "has an IPv6 zone"},
		{"https://[192.0.2.1]", "invalid IP-literal"},
		{"http://0x7f.1", "has the invalid IPv4 address"},
		{"http://127.000.0.1", "has the invalid IPv4 address"},
		{"https://xn--.lingen.example", `has the invalid host name "xn--.lingen.example" (empty label)`},
		{"https://lingen.xn--", "(empty label)"},
		{"https://.lingen.example", "(empty label)"},
		{"https://lingen..example", "(empty label)"},
		{"https://lingen.example..", "(empty label)"},
		{"https://lingen。。example", "(empty label)"},
		{"https://.", "(empty label)"},
		{"https://lingen.example.xn--", "(empty label)"},
		{"https://lingen.example.XN--", "(empty label)"},
		{"https://lingen.example.\u00ad", "(empty label)"},
		{"https://lingen.\u00ad.example", "(empty label)"},
		{"https://xn--zz.lingen.example", "has the invalid host name"},
		{"https://xn--lingen-.example", "has the invalid host name"},
	}
	for _, tt := range tests {
		got, err := ParseOrigin(tt.raw)
		if err == nil {
			t.Errorf("ParseOrigin(%q) = %q, want an error", tt.raw, got)
			continue
		}
		oe, ok := errors.AsType[*OriginError](err)
		if !ok {
			t.Errorf("ParseOrigin(%q): error %T, want *OriginError", tt.raw, err)
			continue
		}
		if oe.Value != tt.raw {
			t.Errorf("ParseOrigin(%q): error value %q", tt.raw, oe.Value)
		}
		if !strings.Contains(oe.Reason, tt.reason) {
			t.Errorf("ParseOrigin(%q): reason %q lacks %q", tt.raw, oe.Reason, tt.reason)
		}
	}
}

func TestURLOrigin(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"https://Lingen.example:443/a/b?x=1#top", "https://lingen.example"},
		{"https://user@münster.example/konto", "https://xn--mnster-3ya.example"},
		{"http://[::1]:8082/oidc/callback", "http://[::1]:8082"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := URLOrigin(u)
		if err != nil {
			t.Errorf("URLOrigin(%q): %v", tt.raw, err)
			continue
		}
		if got != tt.want {
			t.Errorf("URLOrigin(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
	for _, raw := range []string{"/konto", "mailto:anna@example.org", "https:lingen.example"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := URLOrigin(u); err == nil {
			t.Errorf("URLOrigin(%q) = %q, want an error", raw, got)
		}
	}
}

// TestPlainHostsNeedNoProcessing checks that every host isPlainHost
// accepts is one that the UTS #46 processing returns unchanged, and that
// it leaves the others to that processing.
func TestPlainHostsNeedNoProcessing(t *testing.T) {
	tests := []struct {
		host  string
		plain bool
	}{
		{"lingen.emsland.example", true},
		{"a.b", true},
		{"www.1und1.de", true},
		{"a-b.example", true},
		{"ab-c.example", true},
		{"localhost", true},
		{"Lingen.example", false},
		{"xn--mnster-3ya.example", false},
		{"ab--c.example", false},
		{"-a.example", false},
		{"a-.example", false},
		{"a..example", false},
		{"example.", false},
		{"192.0.2.1", false},
		{"host.0x1f", false},
		{"mein_konto.example", false},
		{"münster.example", false},
		{strings.Repeat("a", 64) + ".example", false},
	}
	for _, tt := range tests {
		if got := isPlainHost(tt.host); got != tt.plain {
			t.Errorf("isPlainHost(%q) = %v, want %v", tt.host, got, tt.plain)
		}
		if !tt.plain {
			continue
		}
		ascii, err := idna.Lookup.ToASCII(tt.host)
		if err != nil || ascii != tt.host {
			t.Errorf("idna.Lookup.ToASCII(%q) = %q, %v; a plain host must come back unchanged", tt.host, ascii, err)
		}
	}
}

// FuzzPlainHost checks isPlainHost against the UTS #46 processing.
func FuzzPlainHost(f *testing.F) {
	for _, h := range []string{"lingen.example", "ab--c.example", "a.b", "x-y.z1", "1.2.3.4"} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !isPlainHost(host) {
			return
		}
		if ascii, err := idna.Lookup.ToASCII(host); err != nil || ascii != host {
			t.Errorf("isPlainHost(%q), but idna.Lookup.ToASCII gives %q, %v", host, ascii, err)
		}
	})
}

func TestOriginReason(t *testing.T) {
	_, err := ParseOrigin("https://lingen.example/portal")
	if got, want := OriginReason(err), `has the path "/portal": remove it, because an origin has no path`; got != want {
		t.Errorf("OriginReason = %q, want %q", got, want)
	}
	wrapped := fmt.Errorf("url of site %q: %w", "lingen", err)
	if got := OriginReason(wrapped); strings.Contains(got, "url of site") {
		t.Errorf("OriginReason of a wrapped error = %q, want the reason alone", got)
	}
	other := errors.New("reading sites.toml failed")
	if got := OriginReason(other); got != other.Error() {
		t.Errorf("OriginReason of another error = %q, want %q", got, other.Error())
	}
}
