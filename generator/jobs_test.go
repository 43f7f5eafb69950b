package generator

import (
	"strings"
	"testing"
)

func TestByBaseGroupsServicePages(t *testing.T) {
	tests := []struct {
		name string
		// jobs are job keys in list order. A key "page/base" is a
		// service page of a base text.
		jobs, want string
	}{
		{"no base texts", "start lists a b", "start lists a b"},
		{"one portal", "start a/pass b/ausweis c", "start a/pass b/ausweis c"},
		{"two portals", "start1 a/pass b/ausweis c start2 d/pass e/ausweis",
			"start1 a/pass d/pass b/ausweis e/ausweis c start2"},
		{"three portals", "x/hund y/pass z/hund w/pass v/hund",
			"x/hund z/hund v/hund y/pass w/pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var jobs []*job
			for _, key := range strings.Fields(tt.jobs) {
				_, base, _ := strings.Cut(key, "/")
				jobs = append(jobs, &job{key: key, base: base})
			}
			var got []string
			for _, j := range byBase(jobs) {
				got = append(got, j.key)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("byBase order %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}
