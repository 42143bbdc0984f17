import { CfnParameter } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Network } from '../../lib/network/network';
import { NetworkProps, resolveNetworkProps } from '../../lib/network/network-props';
import { testStack, problemsOf as problemsFor } from '../harness';

const problemsOf = (props: NetworkProps) => problemsFor(resolveNetworkProps, props);

describe('Network props: defaults', () => {
  test('a /16 over 2 AZs with three tiers and a single NAT gateway', () => {
    expect(resolveNetworkProps({})).toEqual({
      cidr: '10.0.0.0/16',
      azCount: 2,
      availabilityZones: undefined,
      subnetSizes: { public: 24, private: 22, isolated: 24 },
      natMode: 'single',
      blockedCidrs: [],
    });
  });

  test('the smallest VPC the notes allow (/28) works with one tier of /28 subnets... when they fit', () => {
    expect(problemsOf({ cidr: '10.0.0.0/26', subnetSizes: { public: 28, private: 28, isolated: false } })).toEqual([]);
  });
});

describe('Network props: bad input fails at synth with a clear message', () => {
  test.each([
    ['not a CIDR', 'cidr: got "not a CIDR"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /16 to /28'],
    ['10.0.0.0/33', 'cidr: got "10.0.0.0/33"'],
    ['10.0.300.0/24', 'cidr: got "10.0.300.0/24"'],
    ['10.0.0.1/16', 'cidr: got "10.0.0.1/16"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set'],
  ])('fails when the CIDR is malformed: %s', (cidr, message) => {
    expect(problemsOf({ cidr }).join('\n')).toContain(message);
  });

  test.each(['10.0.0.0/8', '10.0.0.0/15', '10.0.0.0/29'])('fails when the prefix is outside /16-/28: %s', (cidr) => {
    expect(problemsOf({ cidr })).toContain(
      `cidr: got "${cidr}"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /16 to /28`);
  });

  test.each([0, 1, 7, 2.5])('fails when azCount is out of range: %s', (azCount) => {
    expect(problemsOf({ azCount })).toContain(`azCount: got ${azCount}; expected a whole number from 2 to 6`);
  });

  test('fails when availabilityZones are malformed, repeated or too few', () => {
    expect(problemsOf({ availabilityZones: ['eu-west-1a', 'eu-west-1a'] }))
      .toContain('availabilityZones: got ["eu-west-1a","eu-west-1a"]; expected each zone once');
    expect(problemsOf({ availabilityZones: ['eu-west-1a'] }))
      .toContain('availabilityZones: got ["eu-west-1a"]; expected 2 to 6 zone names');
    expect(problemsOf({ availabilityZones: ['eu-west-1a', 'west'] }))
      .toContain('availabilityZones[1]: got "west"; expected a zone name such as "eu-west-1a"');
  });

  test('fails when azCount contradicts availabilityZones', () => {
    expect(problemsOf({ azCount: 3, availabilityZones: ['eu-west-1a', 'eu-west-1b'] }))
      .toContain('azCount: got 3; expected it to match the 2 availabilityZones given, or to be left out');
  });

  test('fails when a subnet size is outside /16-/28', () => {
    expect(problemsOf({ subnetSizes: { public: 29 } })).toContain('subnetSizes.public: got 29; expected a whole number from 16 to 28');
    expect(problemsOf({ subnetSizes: { isolated: 12 } })).toContain('subnetSizes.isolated: got 12; expected a whole number from 16 to 28');
  });

  test('fails when the subnets do not fit the CIDR', () => {
    expect(problemsOf({ cidr: '10.0.0.0/24', azCount: 2 })).toContain(
      'subnetSizes: got {"public":24,"private":22,"isolated":24}; expected no subnet larger than the VPC (10.0.0.0/24); /22 is');
    expect(problemsOf({ cidr: '10.0.0.0/20', azCount: 3 })).toContain(
      'subnetSizes: got {"public":24,"private":22,"isolated":24}; 3 AZs of these subnets need 4864 addresses but 10.0.0.0/20 has 4096; use smaller subnets (a larger prefix) or a larger VPC');
  });

  test('counts the alignment the VPC allocator leaves between tiers', () => {
    // 2 x /24 then 2 x /22: the /22s start at the next 1024 boundary, so 1024 + 2048 are used.
    expect(problemsOf({ cidr: '10.0.0.0/21', subnetSizes: { public: 24, private: 22, isolated: 24 } })).toContain(
      'subnetSizes: got {"public":24,"private":22,"isolated":24}; 2 AZs of these subnets need 3584 addresses but 10.0.0.0/21 has 2048; use smaller subnets (a larger prefix) or a larger VPC');
    expect(problemsOf({ cidr: '10.0.0.0/20', subnetSizes: { public: 24, private: 22, isolated: 24 } })).toEqual([]);
  });

  test.each([
    ['10.0.0.0/20', 2, { public: 24, private: 22, isolated: 24 }],
    ['10.0.0.0/21', 2, { public: 24, private: 22, isolated: 24 }],
    ['10.0.0.0/20', 3, { public: 24, private: 22, isolated: 24 }],
    ['10.0.0.0/22', 2, { public: 25, private: 24, isolated: 26 }],
    ['10.0.0.0/22', 3, { public: 26, private: 24, isolated: 26 }],
    ['10.0.0.0/26', 2, { public: 28, private: 28, isolated: 28 }],
  ])('agrees with the VPC allocator on whether subnets fit: %s over %i AZs, %j', (cidr, azCount, sizes) => {
    const ours = problemsOf({ cidr, azCount, subnetSizes: sizes }).length === 0;
    const cdk = (() => {
      try {
        new ec2.Vpc(testStack(), 'Vpc', {
          ipAddresses: ec2.IpAddresses.cidr(cidr),
          subnetConfiguration: [
            { name: 'P', subnetType: ec2.SubnetType.PUBLIC, cidrMask: sizes.public },
            { name: 'E', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: sizes.private },
            { name: 'I', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: sizes.isolated },
          ],
          availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'].slice(0, azCount),
        });
        return true;
      } catch {
        return false;
      }
    })();
    expect(ours).toBe(cdk);
  });

  test('fails when a NAT mode needs public subnets and there are none', () => {
    expect(problemsOf({ natMode: 'single', subnetSizes: { public: false } })).toContain(
      'natMode: got "single"; a NAT lives in a public subnet, but subnetSizes.public is false; add the public tier or use natMode "none"');
    expect(problemsOf({ natMode: 'perAz', subnetSizes: { public: false } })[0]).toMatch(/^natMode: got "perAz"; a NAT lives in a public subnet/);
    expect(problemsOf({ natMode: 'instance', subnetSizes: { public: false } })[0]).toMatch(/^natMode: got "instance"; a NAT lives in a public subnet/);
  });

  test('fails when a NAT has no private tier to serve, or the private tier has no NAT', () => {
    expect(problemsOf({ natMode: 'single', subnetSizes: { private: false } })).toContain(
      'natMode: got "single"; a NAT serves the private tier, but subnetSizes.private is false; add the private tier or use natMode "none"');
    expect(problemsOf({ natMode: 'none' })).toContain(
      'subnetSizes.private: got 22; natMode "none" leaves the private tier without egress; set it to false (use the isolated tier) or choose a NAT mode');
  });

  test('fails on an unknown NAT mode', () => {
    expect(problemsOf({ natMode: 'gateway' as never })).toContain(
      'natMode: got "gateway"; expected one of "perAz", "single", "instance", "none"');
  });

  test('fails when blockedCidrs are malformed or too many', () => {
    expect(problemsOf({ blockedCidrs: ['203.0.113.0/24', '198.51.100.7', '1.2.3.4/40'] })).toEqual([
      'blockedCidrs[1]: got "198.51.100.7"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /0 to /32',
      'blockedCidrs[2]: got "1.2.3.4/40"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /0 to /32',
    ]);
    const eleven = Array.from({ length: 11 }, (_, i) => `203.0.113.${i}/32`);
    expect(problemsOf({ blockedCidrs: eleven })).toContain(
      'blockedCidrs: got "11 entries"; expected at most 10, as each becomes a deny rule in network ACLs limited to 20 rules per direction');
  });

  test('reports every problem at once', () => {
    expect(problemsOf({ cidr: '10.0.0.0/8', azCount: 9, blockedCidrs: ['x'] })).toHaveLength(3);
  });

  test('the construct throws a ConfigError naming the subject before building anything', () => {
    const stack = testStack();
    expect(() => new Network(stack, 'Network', { cidr: '10.0.0.0/12' })).toThrow(
      /^Invalid Network props:\n {2}- cidr: got "10\.0\.0\.0\/12"/);
    expect(stack.node.findAll().some((c) => c.node.id === 'Vpc')).toBe(false);
  });
});

describe('Network props: tokens', () => {
  const stack = testStack();
  const text = new CfnParameter(stack, 'Text').valueAsString;
  const number = new CfnParameter(stack, 'Number', { type: 'Number' }).valueAsNumber;
  const list = new CfnParameter(stack, 'List', { type: 'CommaDelimitedList' }).valueAsList;
  const why = 'which a value known only at deploy (a parameter, an imported value) cannot drive';

  test('token entries of blockedCidrs and availabilityZones are skipped; known entries are still checked', () => {
    expect(problemsOf({ blockedCidrs: [text, '10.0.0.1/8'], availabilityZones: [text, 'nowhere'] })).toEqual([
      'availabilityZones[1]: got "nowhere"; expected a zone name such as "eu-west-1a"',
      'blockedCidrs[1]: got "10.0.0.1/8"; expected an IPv4 CIDR block a.b.c.d/n with no host bits set and a prefix from /0 to /32',
    ]);
  });

  test('fails, saying why, on a token where the value shapes the template', () => {
    expect(problemsOf({ cidr: text, azCount: number, subnetSizes: { private: number }, blockedCidrs: list, availabilityZones: list })).toEqual([
      `cidr: got "a token"; expected a value known at synth: the VPC divides it into subnets at synth, ${why}`,
      `azCount: got "a token"; expected a value known at synth: it decides how many subnets there are, ${why}`,
      `availabilityZones: got "a token"; expected a value known at synth: each zone gets its own subnets (the names themselves may be tokens), ${why}`,
      `subnetSizes.private: got "a token"; expected a value known at synth: the VPC lays out its subnets at synth, ${why}`,
      `blockedCidrs: got "a token"; expected a value known at synth: each entry becomes its own network ACL rule (the entries themselves may be tokens), ${why}`,
    ]);
  });
});
