/**
 * The EBS snapshot step with the real AWS SDK EC2 client. No EC2-protocol
 * server exists to run locally (unlike S3, where the tests use s3rver), so
 * EC2 is a small local HTTP server that speaks the EC2 query protocol for
 * the four calls the step makes, and records what it was asked.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { CLUSTER_TAG, DATE_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE, snapshotVolumes } from '../../../lambdas/backup/snapshots';
import { Deadline } from '../../../lambdas/shared/deadline';
import { startHttp } from '../../helpers/backup-env';

const NOW = new Date('2026-11-23T02:00:00Z');
const DATE = '2026-11-23';
const tags = (t: Record<string, string>) => `<tagSet>${Object.entries(t).map(([k, v]) => `<item><key>${k}</key><value>${v}</value></item>`).join('')}</tagSet>`;
const ours = (date: string) => tags({ [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [CLUSTER_TAG]: 'c1', [DATE_TAG]: date });

async function fakeEc2(options: { failCreate?: boolean } = {}) {
  const calls: Array<Record<string, string>> = [];
  const server = await startHttp((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(body));
      calls.push(params);
      const xml = (name: string, inner: string, status = 200) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><${name} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>${inner}</${name}>`);
      };
      switch (params.Action) {
        case 'DescribeVolumes':
          return xml('DescribeVolumesResponse', `<volumeSet><item><volumeId>vol-1</volumeId>${tags({ Name: 'prometheus-a' })}</item><item><volumeId>vol-2</volumeId>${tags({ Name: 'grafana-a' })}</item></volumeSet>`);
        case 'DescribeSnapshots':
          return xml(
            'DescribeSnapshotsResponse',
            `<snapshotSet>
              <item><snapshotId>snap-today</snapshotId><volumeId>vol-1</volumeId><status>completed</status><startTime>2026-11-23T01:00:00.000Z</startTime>${ours(DATE)}</item>
              <item><snapshotId>snap-recent</snapshotId><volumeId>vol-2</volumeId><status>completed</status><startTime>2026-11-20T02:00:00.000Z</startTime>${ours('2026-11-20')}</item>
              <item><snapshotId>snap-old</snapshotId><volumeId>vol-2</volumeId><status>completed</status><startTime>2026-11-01T02:00:00.000Z</startTime>${ours('2026-11-01')}</item>
            </snapshotSet>`,
          );
        case 'CreateSnapshot':
          if (options.failCreate) {
            res.writeHead(403, { 'content-type': 'text/xml' });
            return res.end('<?xml version="1.0"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>not allowed</Message></Error></Errors><RequestID>r</RequestID></Response>');
          }
          return xml('CreateSnapshotResponse', `<snapshotId>snap-new</snapshotId><volumeId>${params.VolumeId}</volumeId><status>pending</status>`);
        case 'DeleteSnapshot':
          return xml('DeleteSnapshotResponse', '<return>true</return>');
        default:
          res.writeHead(400);
          res.end();
      }
    });
  });
  const client = new EC2Client({ region: 'eu-west-1', endpoint: server.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  return { calls, client, stop: async () => (client.destroy(), server.stop()) };
}

const options = { tagKey: 'monitoring.backup', tagValue: 'daily', retentionDays: 7, clusterName: 'c1', date: DATE, now: NOW, deadline: Deadline.none() };

it('snapshots each tagged volume once a day, reuses today\'s, and deletes only its own snapshots past retention', async () => {
  const ec2 = await fakeEc2();
  try {
    const result = await snapshotVolumes(ec2.client, options);
    expect(result).toEqual({
      volumes: 2,
      created: [{ volumeId: 'vol-2', snapshotId: 'snap-new', state: 'pending' }],
      reused: [{ volumeId: 'vol-1', snapshotId: 'snap-today', state: 'completed' }],
      deleted: ['snap-old'],
    });
    const [describeVolumes, describeSnapshots, create] = ec2.calls;
    expect(describeVolumes).toMatchObject({ Action: 'DescribeVolumes', 'Filter.1.Name': 'tag:monitoring.backup', 'Filter.1.Value.1': 'daily' });
    expect(describeSnapshots).toMatchObject({ Action: 'DescribeSnapshots', 'Owner.1': 'self', 'Filter.1.Name': `tag:${MANAGED_BY_TAG}`, 'Filter.2.Value.1': 'c1' });
    expect(create).toMatchObject({ Action: 'CreateSnapshot', VolumeId: 'vol-2', 'TagSpecification.1.ResourceType': 'snapshot', 'TagSpecification.1.Tag.1.Key': MANAGED_BY_TAG, 'TagSpecification.1.Tag.3.Value': DATE, 'TagSpecification.1.Tag.4.Value': `grafana-a-${DATE}` });
    expect(ec2.calls.filter((c) => c.Action === 'DeleteSnapshot').map((c) => c.SnapshotId)).toEqual(['snap-old']);
  } finally {
    await ec2.stop();
  }
});

it('fails with EC2\'s own error when a snapshot is refused', async () => {
  const ec2 = await fakeEc2({ failCreate: true });
  try {
    await expect(snapshotVolumes(ec2.client, options)).rejects.toMatchObject({ name: 'UnauthorizedOperation', message: 'not allowed' });
    expect(ec2.calls.some((c) => c.Action === 'DeleteSnapshot')).toBe(false);
  } finally {
    await ec2.stop();
  }
});
