import { LocalDeparture, RollingMean, RollingSpread } from '../../../lambdas/anomaly-check/detectors/rolling';
import { seededRandom } from '../../../lambdas/anomaly-check/detectors/isolation-forest';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

describe('rolling statistics of the default detector', () => {
  const random = seededRandom(4);
  const values = Array.from({ length: 300 }, () => (random() < 0.05 ? 30 : Math.floor(random() * 10)));

  it('RollingMean is the mean of the last span values, NaN until span are seen', () => {
    const mean = new RollingMean(12);
    values.forEach((v, i) => {
      const got = mean.push(v);
      if (i < 11) expect(got).toBeNaN();
      else expect(got).toBeCloseTo(values.slice(i - 11, i + 1).reduce((a, b) => a + b, 0) / 12, 9);
    });
  });

  it('LocalDeparture is the value minus the median of the span values before it', () => {
    const local = new LocalDeparture(12);
    values.forEach((v, i) => {
      const got = local.push(v);
      if (i < 12) expect(got).toBeNaN();
      else expect(got).toBe(v - median(values.slice(i - 12, i)));
    });
  });

  it('RollingSpread is the MAD of the last span values, unmoved by a single spike', () => {
    const spread = new RollingSpread(48);
    values.forEach((v, i) => {
      const got = spread.push(v);
      if (i < 47) expect(got).toBeNaN();
      else {
        const window = values.slice(i - 47, i + 1);
        const m = median(window);
        expect(got).toBeCloseTo(median(window.map((x) => Math.abs(x - m))), 12);
      }
    });
    const calm = new RollingSpread(48);
    let last = NaN;
    for (let i = 0; i < 100; i++) last = calm.push(i === 80 ? 1000 : 5 + (i % 3));
    expect(last).toBe(1);
  });
});
