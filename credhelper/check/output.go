package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/regcred/regcred/credhelper/cli"
)

// writeJSONIndent writes v as indented JSON in one call.
func writeJSONIndent(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// writeTable prints the report for people: the config, the entries and
// what each check found, then the details of every failure.
func (rep *Report) writeTable(out io.Writer, now time.Time) error {
	var b bytes.Buffer
	rep.writeConfig(&b)
	if rep.Config.Valid {
		rep.writeEntries(&b)
		rep.writeChecks(&b, now)
		rep.writeIdentityTokens(&b)
		rep.writeFailures(&b)
		rep.writeNotes(&b)
	}
	rep.Kubelet.write(&b)
	_, err := out.Write(b.Bytes())
	return err
}

func (rep *Report) writeConfig(b *bytes.Buffer) {
	switch {
	case !rep.Config.Valid:
		fmt.Fprintf(b, "Config: INVALID (%d problem%s)\n", len(rep.Config.Problems), cli.Plural(len(rep.Config.Problems), "", "s"))
		for _, p := range rep.Config.Problems {
			fmt.Fprintf(b, "  %s\n", p)
		}
	case rep.Config.Path == "":
		fmt.Fprintln(b, "Config: no config file found; only the built-in entries apply")
	default:
		fmt.Fprintf(b, "Config: %s (valid)\n", rep.Config.Path)
	}
}

func (rep *Report) writeEntries(b *bytes.Buffer) {
	fmt.Fprintln(b)
	if len(rep.Entries) == 0 {
		fmt.Fprintln(b, "Entries: none; every request is answered \"not found\"")
		return
	}
	fmt.Fprintln(b, "Entries, in config order (a request tries the matching ones most specific first):")
	w := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  #\tMATCH\tKIND\tVERIFY\tDEFINED AT\tSERVES")
	var builtins []Entry
	for _, e := range rep.Entries {
		if e.Builtin {
			builtins = append(builtins, e)
			continue
		}
		match := e.Match
		if e.Name != "" {
			match += " (" + e.Name + ")"
		}
		kind := e.Kind
		if e.Identity != "" {
			kind += " (" + e.Identity + ")"
		}
		fmt.Fprintf(w, "  %d\t%s\t%s\t%s\t%s\t%s\n", e.Index, match, kind, yesNo(e.Verify), e.Source, e.Serves)
	}
	_ = w.Flush()
	writeBuiltins(b, builtins)
}

// writeBuiltins sums up the built-in entries, one line per group: there are
// dozens of patterns, and none is the user's to read.
func writeBuiltins(b *bytes.Buffer, es []Entry) {
	if len(es) == 0 {
		return
	}
	var order []string
	groups := map[string][]string{}
	for _, e := range es {
		label := e.Name + " (" + e.Kind + ")"
		if groups[label] == nil {
			order = append(order, label)
		}
		groups[label] = append(groups[label], e.Match)
	}
	fmt.Fprintf(b, "  then %d built-in entries (`defaults: false` turns them off; check one by naming a registry):\n", len(es))
	for _, label := range order {
		pats := groups[label]
		shown := strings.Join(pats[:min(3, len(pats))], ", ")
		if len(pats) > 3 {
			shown += fmt.Sprintf(", … (%d patterns)", len(pats))
		}
		fmt.Fprintf(b, "    %s: %s\n", label, shown)
	}
}

func (rep *Report) writeChecks(b *bytes.Buffer, now time.Time) {
	fmt.Fprintln(b)
	if len(rep.Checks) == 0 {
		return
	}
	fmt.Fprintln(b, "Checks:")
	w := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  REQUEST\tRESULT\tENTRY\tUSERNAME\tEXPIRES\tCACHE\tVERIFIED")
	for _, ch := range rep.Checks {
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", ch.Request, resultText(ch), entryText(ch), dash(ch.Username),
			expiry(ch.Expires, now), dash(ch.Cache), verified(ch))
	}
	_ = w.Flush()
}

// writeFailures lists why each failed check failed, with the entries tried.
func (rep *Report) writeFailures(b *bytes.Buffer) {
	first := true
	for _, ch := range rep.Checks {
		if ch.OK && ch.Outcome != OutcomeSkipped {
			continue
		}
		if first {
			fmt.Fprintln(b)
			fmt.Fprintln(b, "Details:")
			first = false
		}
		fmt.Fprintf(b, "  %s: %s\n", ch.Request, ch.Detail)
		for _, at := range ch.Attempts {
			fmt.Fprintf(b, "    tried %s: %s\n", at.Entry, at.Error)
		}
	}
	if !rep.OK {
		fmt.Fprintln(b)
		fmt.Fprintln(b, "More: REGCRED_LOG=debug shows every entry tried and why it was skipped.")
	}
}

func verified(ch Result) string {
	if ch.Verify == nil {
		return "-"
	}
	return ch.Verify.Status.String() + " (" + ch.Verify.Endpoint + ")"
}

func expiry(t *time.Time, now time.Time) string {
	if t == nil {
		return "-"
	}
	left := t.Sub(now).Round(time.Minute)
	if left <= 0 {
		return t.Format(time.RFC3339) + " (expired)"
	}
	return t.Format(time.RFC3339) + " (in " + left.String() + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// resultText is ok or FAIL, with the outcome when it says more than that
// ("ok (anonymous)", "FAIL (no match)"), never "FAIL (failed)".
func resultText(ch Result) string {
	result := "ok"
	if !ch.OK {
		result = "FAIL"
	}
	if (ch.OK && ch.Outcome != OutcomeCredential) || (!ch.OK && ch.Outcome != OutcomeFailed) {
		result += " (" + ch.Outcome + ")"
	}
	return result
}

// entryText names the entry that answered or failed; a request whose
// every entry failed says how many were tried (Details lists them).
func entryText(ch Result) string {
	if ch.Entry == "" && len(ch.Attempts) > 0 {
		return fmt.Sprintf("all %d failed (see Details)", len(ch.Attempts))
	}
	return dash(ch.Entry)
}
