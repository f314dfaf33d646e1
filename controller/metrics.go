package controller

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the controller's Prometheus series.
type metrics struct {
	refreshes *prometheus.CounterVec
	failures  *prometheus.CounterVec
	expiry    *expiryCollector
}

func newMetrics(reg prometheus.Registerer, now func() time.Time) (*metrics, error) {
	m := &metrics{
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "regcred_controller_refreshes_total",
			Help: "Credentials fetched from a registry's backend.",
		}, []string{"registry"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "regcred_controller_refresh_failures_total",
			Help: "Failed credential fetches; the last good credential is kept until it expires.",
		}, []string{"registry"}),
		expiry: &expiryCollector{now: now, at: map[[2]string]time.Time{}, desc: prometheus.NewDesc(
			"regcred_controller_secret_expiry_seconds",
			"Seconds until the soonest credential in a managed pull secret expires (absent: none expires).",
			[]string{"namespace", "secret"}, nil)},
	}
	for _, c := range []prometheus.Collector{m.refreshes, m.failures, m.expiry} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// expiryCollector reports seconds to each secret's soonest expiry at
// scrape time, so the value never goes stale between reconciles.
type expiryCollector struct {
	now  func() time.Time
	desc *prometheus.Desc
	mu   sync.Mutex
	at   map[[2]string]time.Time
}

func (c *expiryCollector) set(namespace, secret string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at.IsZero() {
		delete(c.at, [2]string{namespace, secret})
		return
	}
	c.at[[2]string{namespace, secret}] = at
}

func (c *expiryCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *expiryCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	for k, at := range c.at {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, at.Sub(now).Seconds(), k[0], k[1])
	}
}
