/** The full Kubernetes synth of each profile. Volatile values: none (no hashes of time or paths). */
import { synthProfile } from '../helpers/synth';

describe.each(['default', 'production'] as const)('%s profile', (profile) => {
  it('synthesizes the same manifests', () => {
    expect(synthProfile(profile)).toMatchSnapshot();
  });
});
