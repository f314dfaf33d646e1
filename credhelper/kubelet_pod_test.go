package credhelper

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// In a request with a pod's service-account token, only the entries that
// log in as that pod, and those that opted in with answersAnyPod, answer;
// a failing pod-identity entry is an error, never the node's credential.
func TestKubeletPodRequestWithholdsNodeEntries(t *testing.T) {
	anon := func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Anonymous: true}, nil
	}
	denied := failWith(fmt.Errorf("could not assume role arn:aws:iam::1:role/x: %w", providers.ErrDenied))
	tests := []struct {
		name      string
		token     string
		fakes     []*fakeEntry
		wantUsers []string // the answer's usernames, sorted; nil with wantErr
		wantErr   []string // texts the error must hold
		notBuilt  []int    // fakes that must not be asked
	}{
		{name: "pod entry fails: the node entry with its pattern is not the fallback", token: "tok",
			fakes:    []*fakeEntry{{pattern: "*.dkr.ecr.*.amazonaws.com", fn: denied, pod: true}, {pattern: "*.dkr.ecr.*.amazonaws.com", fn: answer("node")}},
			wantErr:  []string{"test.yaml:1", "could not assume role", "not asked for a pod's service-account request", "test.yaml:2"},
			notBuilt: []int{1}},
		{name: "pod entry answers: the node's host-level entry is not added", token: "tok",
			fakes:     []*fakeEntry{{pattern: "reg.test/team", fn: answer("pod"), pod: true}, {pattern: "reg.test", fn: answer("node")}},
			wantUsers: []string{"pod"}, notBuilt: []int{1}},
		{name: "pod entry fails, an opted-in entry answers", token: "tok",
			fakes:     []*fakeEntry{{pattern: "reg.test/team", fn: denied, pod: true}, {pattern: "reg.test", fn: answer("shared"), anyPod: true}},
			wantUsers: []string{"shared"}},
		{name: "only node entries match: nothing", token: "tok",
			fakes:     []*fakeEntry{{pattern: "reg.test", fn: answer("node")}, {pattern: "*.test", fn: answer("glob")}},
			wantUsers: []string{}, notBuilt: []int{0, 1}},
		{name: "anonymous after a failing pod entry does not hide the failure", token: "tok",
			fakes:    []*fakeEntry{{pattern: "reg.test/team", fn: denied, pod: true}, {pattern: "reg.test", fn: anon}},
			wantErr:  []string{"1 matching entry failed", "could not assume role"},
			notBuilt: []int{1}},
		{name: "no token: every match answers, as before",
			fakes:     []*fakeEntry{{pattern: "reg.test/team", fn: answer("pod"), pod: true}, {pattern: "reg.test", fn: answer("node")}},
			wantUsers: []string{"node", "pod"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			image := "reg.test/team/app"
			if strings.Contains(tt.fakes[0].pattern, "ecr") {
				image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app"
			}
			resp, err := kubeletRun(t, fakeResolver(t, tt.fakes...), image, tt.token)
			for _, i := range tt.notBuilt {
				assert.Zero(t, tt.fakes[i].built.Load(), "times entry %d (%s) was asked", i, tt.fakes[i].pattern)
			}
			if tt.wantErr != nil {
				var all *AllFailedError
				require.ErrorAs(t, err, &all)
				require.ErrorIs(t, err, providers.ErrDenied, "want the backend's error wrapped")
				for _, want := range tt.wantErr {
					assert.ErrorContains(t, err, want)
				}
				return
			}
			require.NoError(t, err)
			users := []string{}
			for _, a := range resp.Auth {
				users = append(users, a.Username)
			}
			slices.Sort(users)
			assert.Equal(t, tt.wantUsers, users, "the users answered")
		})
	}
}
