package server

import (
	"testing"
	"time"
)

// TestDurationBuckets: a duration is counted in the first bucket whose
// bound it does not exceed (Prometheus's "le"), past the last in +Inf.
func TestDurationBuckets(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{
		{0, 0}, {300 * time.Microsecond, 0}, {500 * time.Microsecond, 0}, {501 * time.Microsecond, 1},
		{time.Millisecond, 1}, {2 * time.Second, 11}, {10 * time.Second, 13}, {11 * time.Second, 14},
	} {
		m := newMetrics(0)
		m.observe(200, tc.d)
		for i := range m.buckets {
			if got, want := m.buckets[i].Load(), uint64(0); i == tc.want {
				want = 1
				if got != want {
					t.Errorf("%v: not in bucket %d (le %v)", tc.d, i, bound(i))
				}
			} else if got != want {
				t.Errorf("%v: counted in bucket %d (le %v), want %d (le %v)", tc.d, i, bound(i), tc.want, bound(tc.want))
			}
		}
	}
}

func bound(i int) any {
	if i < len(durationBuckets) {
		return durationBuckets[i]
	}
	return "+Inf"
}
