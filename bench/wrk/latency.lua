-- Loaded into every wrk run of bench/run.py: after the run, print the latency percentiles
-- wrk's --latency table leaves out (it has 50/75/90/99, not 95), in microseconds.
function done(summary, latency, requests)
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("bench-latency p%d %d\n", p, latency:percentile(p)))
  end
end
