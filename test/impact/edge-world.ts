import type { Snapshot } from '../../src/model/snapshot';
import { allTraffic, tcp, World } from '../engine/aws/world';

/**
 * A public subnet (route to an internet gateway), a node with a public IP, and payments/api as a
 * hostNetwork pod behind a Service on 443. `open`: the node's group admits 0.0.0.0/0 on TCP 443.
 */
export function edgeWorld(open: boolean): Snapshot {
  const w = new World()
    .subnet('subnet-pub', '10.0.1.0/24')
    .routeTable('rtb-pub', ['subnet-pub'], [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }])
    .sg('sg-edge', open ? [allTraffic({ group: 'sg-edge' }), tcp(443, { cidr: '0.0.0.0/0' })] : [allTraffic({ group: 'sg-edge' })])
    .node('node-a', { subnet: 'subnet-pub', ip: '10.0.1.10', groups: ['sg-edge'], publicIp: '203.0.113.10' })
    .pod('payments/api-1', { node: 'node-a', hostNetwork: true });
  const s = w.snap;
  s.aws.internetGateways.push({ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'attached' }] });
  s.k8s.pods[0]!.metadata.labels = { app: 'api' };
  s.k8s.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'payments' }, spec: { selector: { app: 'api' }, ports: [{ port: 443, targetPort: 443, protocol: 'TCP' }] } });
  return s;
}
