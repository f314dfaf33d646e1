package procbench

import (
	"context"
	"testing"
	"time"
)

func TestRunRanksASlowerCommandSlower(t *testing.T) {
	rs, err := Run(context.Background(), []Case{
		{Name: "true", Argv: []string{"true"}},
		{Name: "sleep", Argv: []string{"sleep", "0.02"}},
		{Name: "false", Argv: []string{"false"}, OKExit: []int{1}},
	}, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Ratio != 1 || rs[1].Median < 20*time.Millisecond || rs[1].Ratio <= 1 {
		t.Errorf("results %+v", rs)
	}
	if _, err := Run(context.Background(), []Case{{Name: "false", Argv: []string{"false"}}}, 0, 1); err == nil {
		t.Error("a failing command without OKExit must be an error")
	}
}
