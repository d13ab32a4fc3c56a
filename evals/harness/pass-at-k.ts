// pass@k, the unbiased estimator of Chen et al. (2021): with n attempts of which c passed, the chance that
// at least one of k attempts drawn without replacement passes, 1 - C(n-c, k) / C(n, k). Pure.

export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`pass@k needs integers 0 <= c <= n, 1 <= k <= n (n=${n}, c=${c}, k=${k})`);
  }
  if (n - c < k) return 1;
  // Product form: C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i).
  let miss = 1;
  for (let i = n - c + 1; i <= n; i++) miss *= 1 - k / i;
  return 1 - miss;
}
