// Brent's root finder in the form R's uniroot() uses (R_zeroin2), step for step: Kayenta's Mann-Whitney interval is
// a port of R's wilcox.test, whose roots are found on step functions, where the exact sequence of trial points
// decides which point of a flat stretch is returned. Matching R's steps makes the estimates match R's to the digit.

const EPSILON = 2.220446049250313e-16;

export interface ZeroinOptions {
  /** Default 1e-4 (wilcox.test's). */
  tolerance?: number;
  /** Default 1000. */
  maxIterations?: number;
}

/**
 * A root of `f` in [a, b], given f(a) and f(b) of opposite signs (or one of them 0). Returns the last iterate when
 * the iterations run out, as R does.
 */
export function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  fax: number,
  fbx: number,
  options: ZeroinOptions = {},
): number {
  const tol = options.tolerance ?? 1e-4;
  let maxit = (options.maxIterations ?? 1000) + 1;
  let a = ax;
  let b = bx;
  let fa = fax;
  let fb = fbx;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  while (maxit-- > 0) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
