import { endpointPrivateAccessOff, endpointPublicAccess, endpointPublicOpenToWorld } from '../../src/posture/checks/endpoint';
import { compliantWorld, ids, run } from './world';

// https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html; publicAccessCidrs defaults to 0.0.0.0/0:
// https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html

function world(publicAccess: boolean, privateAccess: boolean, cidrs?: string[]) {
  const s = compliantWorld();
  s.aws.cluster!.resourcesVpcConfig = { ...s.aws.cluster!.resourcesVpcConfig, endpointPublicAccess: publicAccess, endpointPrivateAccess: privateAccess, publicAccessCidrs: cidrs };
  return s;
}

describe('endpoint-public-access', () => {
  it('Noncompliance 1: public access on', () => {
    const f = run(endpointPublicAccess, world(true, true, ['203.0.113.0/24']));
    expect(ids(f)).toEqual(['endpoint-public-access low demo']);
    expect(f[0]!.fix).toBe('aws eks update-cluster-config --name demo --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true');
  });
  it('Compliance: private only', () => {
    expect(run(endpointPublicAccess, world(false, true))).toEqual([]);
  });
  it('without describe-cluster it is not evaluated', () => {
    const s = compliantWorld();
    delete s.aws.cluster;
    s.present.delete('cluster');
    expect(ids(run(endpointPublicAccess, s))).toEqual(['check-not-evaluated info cluster (endpoint-public-access)']);
  });
});

describe('endpoint-public-open-to-world', () => {
  it.each([
    ['0.0.0.0/0 listed', ['0.0.0.0/0']],
    ['no CIDRs (the API default 0.0.0.0/0)', undefined],
    ['empty list (the API default)', []],
  ])('Noncompliance: %s', (_name, cidrs) => {
    expect(ids(run(endpointPublicOpenToWorld, world(true, true, cidrs)))).toEqual(['endpoint-public-open-to-world high demo']);
  });
  it('Compliance: restricted CIDRs (a /1 is not the whole internet)', () => {
    expect(run(endpointPublicOpenToWorld, world(true, true, ['203.0.113.0/24', '0.0.0.0/1']))).toEqual([]);
  });
  it('Compliance: public access off', () => {
    expect(run(endpointPublicOpenToWorld, world(false, true, ['0.0.0.0/0']))).toEqual([]);
  });
});

describe('endpoint-private-access-off', () => {
  it('Noncompliance 1: private access off', () => {
    const f = run(endpointPrivateAccessOff, world(true, false, ['203.0.113.0/24']));
    expect(ids(f)).toEqual(['endpoint-private-access-off medium demo']);
    expect(f[0]!.fix).toContain('endpointPrivateAccess=true');
  });
  it('Compliance: private access on', () => {
    expect(run(endpointPrivateAccessOff, world(true, true))).toEqual([]);
  });
});
