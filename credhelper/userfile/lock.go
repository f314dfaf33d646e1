package userfile

import (
	"context"
	"fmt"
	"time"
)

// lockWait bounds how long an edit waits for another regcred editing a
// file in the same directory.
const lockWait = 30 * time.Second

// lockPoll is how often a waiting edit tries the lock again.
const lockPoll = 10 * time.Millisecond

// lockBeside serialises regcred's edits of target (see lockDir for how).
func lockBeside(ctx context.Context, target string) (unlock func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	unlock, err = lockDir(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("waiting for another regcred editing %s: %w", target, err)
	}
	return unlock, nil
}
