import { durationToSeconds, isCidr, prometheusSizeToBytes, quantityToBytes, retentionSizeFor } from '../../../config';
import { isCidr as isCidrFromCommon } from '../../../config/sections/common';

describe('units', () => {
  it('converts quantities', () => {
    expect(quantityToBytes('100Gi')).toBe(100 * 2 ** 30);
    expect(quantityToBytes('500M')).toBe(500e6);
    expect(quantityToBytes('2')).toBe(2);
    expect(() => quantityToBytes('1Xi')).toThrow('unknown unit "Xi"');
  });

  it('converts durations', () => {
    expect(durationToSeconds('1h30m')).toBe(5400);
    expect(durationToSeconds('30d')).toBe(30 * 86400);
    expect(durationToSeconds('500ms')).toBe(0.5);
    expect(() => durationToSeconds('5 minutes')).toThrow('is not a Prometheus duration');
  });

  it('sizes retention in Prometheus (power-of-two) units', () => {
    expect(retentionSizeFor('100Gi', 0.85)).toBe('85GB');
    expect(retentionSizeFor('50Gi', 0.85)).toBe('42GB');
    expect(retentionSizeFor('512Mi', 0.85)).toBe('435MB');
    expect(prometheusSizeToBytes('85GB')).toBe(85 * 2 ** 30);
  });

  it('recognizes CIDRs', () => {
    expect(isCidrFromCommon).toBe(isCidr);
    expect(['10.0.0.0/16', '0.0.0.0/0', 'fd00::/8'].every(isCidr)).toBe(true);
    expect(['10.0.0.0', '10.0.0.0/33', '300.0.0.0/8', '10.0.0/8'].some(isCidr)).toBe(false);
  });
});
