/* A hand-written C loop doing the same work as descent's engine on the ravine sweep:
 * SGD (optionally heavy-ball or Nesterov momentum) on f = ½ Σ λ_i (x_i − c_i)², λ = (2, 200),
 * c = 0, from (−4, 1), lr = linspace(0.001, 0.0099, 2000), 1000 steps. The landscape's numbers are
 * read at run time (as descent reads them from a config), not compiled in, and every step does the
 * bookkeeping descent does: error vector against the reference point, norm, tolerance and
 * divergence checks, sign-change counting per component, the mid-run norm, loss, gradient norm and
 * the noise-floor sum. Everything computed feeds the result, so nothing is optimized away.
 * The optimizer step rounds as torch's CPU kernels (and descent) do: fma() where they fuse, and
 * nothing else contracted (-ffp-contract=off), so the results are bit-identical to descent's.
 * Prints: <name> <ns per step> <steps> <checksum>.
 * Build: gcc -O3 -march=native -ffp-contract=off ravine.c -lm */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 2

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

struct landscape { double lambda[N], center[N], start[N], target[N]; };

static double run(const struct landscape *l, double lr, double momentum, int nesterov, int steps, long *taken) {
  double x[N], g[N], e[N], buf[N] = {0}, initial[N], last[N];
  double last_sign[N] = {0}, changes[N] = {0};
  int has_buf = 0;
  double norm0 = 0;
  for (int i = 0; i < N; i++) {
    x[i] = l->start[i];
    initial[i] = x[i] - l->target[i];
    norm0 += initial[i] * initial[i];
  }
  norm0 = sqrt(norm0);
  double scale = norm0 > 1 ? norm0 : 1;
  double tol = 1e-6 * scale, bound = 1e6 * scale, tol2 = tol * tol, bound2 = bound * bound;
  int window = (steps + 9) / 10, last_above = -1, step = 0, mid = steps / 2;
  double loss = 0, gap = 0, sq = 0, mid_norm2 = 0, norm2 = 0;
  for (;;) {
    norm2 = 0;
    for (int i = 0; i < N; i++) {
      e[i] = x[i] - l->target[i];
      norm2 += e[i] * e[i];
      if (fabs(e[i]) > tol) {
        double s = e[i] > 0 ? 1 : -1;
        if (last_sign[i] != s) {
          if (last_sign[i] != 0) changes[i] += 1;
          last_sign[i] = s;
        }
      }
    }
    if (step == mid) mid_norm2 = norm2;
    if (!(norm2 <= tol2)) last_above = step;
    int diverged = !isfinite(norm2) || norm2 > bound2;
    if (diverged || step == steps) memcpy(last, e, sizeof e);
    double twice = 0;
    for (int i = 0; i < N; i++) {
      double d = x[i] - l->center[i];
      g[i] = l->lambda[i] * d;
      twice += g[i] * d;
    }
    loss = 0.5 * twice;
    if (step > steps - window) gap += loss;
    sq = 0;
    for (int i = 0; i < N; i++) sq += g[i] * g[i];
    if (step == steps || diverged) break;
    for (int i = 0; i < N; i++) {
      /* torch's kernels, as descent mirrors them: add(alpha) is one fused multiply-add. */
      double gi = g[i];
      if (momentum != 0) {
        double b = has_buf ? fma(1.0, gi, momentum * buf[i]) : gi;
        buf[i] = b;
        gi = nesterov ? fma(momentum, b, gi) : b;
      }
      x[i] = fma(-lr, gi, x[i]);
    }
    has_buf = 1;
    step++;
  }
  *taken += step;
  return loss + 1e-300 * (sqrt(sq) + gap + changes[0] + changes[1] + last_above + mid_norm2 + last[0] + last[1]);
}

int main(int argc, char **argv) {
  struct { const char *name; double momentum; int nesterov; } cases[] = {
    {"sgd-ravine", 0, 0}, {"momentum-ravine", 0.9, 0}, {"nesterov-ravine", 0.9, 1}};
  /* Parsed at run time so the compiler cannot fold the landscape into the loop. */
  struct landscape ravine = {{atof("2"), atof("200")}, {atof("0"), atof("0")}, {atof("-4"), atof("1")}, {atof("0"), atof("0")}};
  for (int c = 0; c < 3; c++) {
    if (argc > 1) {
      int wanted = 0;
      for (int a = 1; a < argc; a++) wanted |= strcmp(argv[a], cases[c].name) == 0;
      if (!wanted) continue;
    }
    double best = 1e300, checksum = 0;
    long steps = 0;
    for (int repeat = 0; repeat < 5; repeat++) {
      checksum = 0;
      steps = 0;
      double start = now();
      for (int k = 0; k < 2000; k++) {
        double lr = 0.001 + k * (0.0099 - 0.001) / 1999;
        checksum += run(&ravine, lr, cases[c].momentum, cases[c].nesterov, 1000, &steps);
      }
      double elapsed = now() - start;
      if (elapsed < best) best = elapsed;
    }
    printf("%s %.3f %ld %.17g\n", cases[c].name, best * 1e9 / steps, steps, checksum);
  }
  return 0;
}
