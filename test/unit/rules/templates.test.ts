/**
 * The template subset expands as Prometheus's Go templates do (the promtool
 * tests compare against Prometheus itself; these pin the formatting rules).
 */
import { assertSupportedTemplate, expandTemplate, formatG, humanize, humanizeDuration } from '../../../charts/rules/templates';

describe('alert templates', () => {
  it.each([
    [5.1, '5.1'],
    [6.037499999999996, '6.037'],
    [100, '100'],
    [12345.6, '1.235e+04'],
    [0.00012, '0.00012'],
    [0.0000123456, '1.235e-05'],
    [0, '0'],
  ])('formats %p like Go %%.4g: %s', (value, expected) => {
    expect(formatG(value)).toBe(expected);
  });

  it.each([
    [1020000, '1.02M'],
    [1500, '1.5k'],
    [0.5, '500m'],
    [42, '42'],
  ])('humanizes %p as %s', (value, expected) => {
    expect(humanize(value)).toBe(expected);
  });

  it.each([
    [94215, '1d 2h 10m 15s'],
    [3661, '1h 1m 1s'],
    [90, '1m 30s'],
    [2.5, '2.5s'],
    [0.051, '51ms'],
    [0, '0s'],
  ])('humanizes %p seconds as %s', (value, expected) => {
    expect(humanizeDuration(value)).toBe(expected);
  });

  it('expands labels, missing labels as Go does, and value pipelines', () => {
    expect(expandTemplate('{{ $labels.service }} at {{ $value | humanizePercentage }}, {{ printf "%.0f" $value }} ({{ $labels.nope }})', { service: 'api' }, 0.051)).toBe('api at 5.1%, 0 (<no value>)');
  });

  it('refuses actions the tests cannot check', () => {
    expect(() => assertSupportedTemplate('now {{ $value }}', 'X summary')).toThrow('X summary: template action "{{ $value }}" is not supported');
    expect(() => assertSupportedTemplate('{{ with $labels.pod }}{{ . }}{{ end }}', 'X description')).toThrow('is not supported');
  });
});
