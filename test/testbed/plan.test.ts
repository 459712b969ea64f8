import { tbfParameters } from '../../src/testbed/network.js';
import { planTestbed, type PlanOptions } from '../../src/testbed/plan.js';
import { overlappingRoute } from '../../src/testbed/routes.js';
import { TestbedError } from '../../src/testbed/TestbedError.js';

const OPTIONS: PlanOptions = { hosts: 3, tag: 'lab', subnet: '10.213.0.0/24', peerPort: 6008, rates: [] };

function usageError(options: Partial<PlanOptions>): string {
  try {
    planTestbed({ ...OPTIONS, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(TestbedError);
    expect((error as TestbedError).failure).toBe('usage');
    return (error as Error).message;
  }
  throw new Error('planTestbed accepted it');
}

describe('the testbed plan', () => {
  test('the hosts take .11 upwards, the controller .2, each in its own namespace named by the tag', () => {
    const plan = planTestbed(OPTIONS);
    expect(plan.switchNamespace).toBe('swl-lab-sw');
    expect(plan.controller).toEqual({ name: 'controller', namespace: 'swl-lab-controller', address: '10.213.0.2', switchPort: 'controller' });
    expect(plan.hosts).toEqual([
      { name: 'h1', namespace: 'swl-lab-h1', address: '10.213.0.11', switchPort: 'h1', peerId: 1001, rate: undefined },
      { name: 'h2', namespace: 'swl-lab-h2', address: '10.213.0.12', switchPort: 'h2', peerId: 1002, rate: undefined },
      { name: 'h3', namespace: 'swl-lab-h3', address: '10.213.0.13', switchPort: 'h3', peerId: 1003, rate: undefined },
    ]);
  });

  test('only the number of hosts must be given: tag swarmlab, subnet 10.213.0.0/24, port 6008, no rate', () => {
    const plan = planTestbed({ hosts: 1 });
    expect([plan.tag, plan.subnet, plan.peerPort, plan.hosts[0].namespace, plan.hosts[0].rate]).toEqual(['swarmlab', '10.213.0.0/24', 6008, 'swl-swarmlab-h1', undefined]);
  });

  test('a rate applies to every host, hN=RATE to one, the later one winning', () => {
    const plan = planTestbed({ ...OPTIONS, rates: ['20mbit', 'h2=5mbit'] });
    expect(plan.hosts.map((host) => host.rate)).toEqual(['20mbit', '5mbit', '20mbit']);
  });

  test.each([
    [{ tag: 'My_Lab' }, "--tag takes 1 to 32 lower-case letters, digits and dashes (it names namespaces), got 'My_Lab'"],
    [{ hosts: 0 }, "the number of hosts must be a whole number from 1 to 200, got '0'"],
    [{ hosts: 201 }, "the number of hosts must be a whole number from 1 to 200, got '201'"],
    [{ peerPort: 70000 }, "--peer-port takes a port from 1 to 65535, got '70000'"],
    [{ subnet: '10.213.0.0/16' }, "--subnet takes a /24 written a.b.c.0/24, such as 10.213.0.0/24, got '10.213.0.0/16'"],
    [{ subnet: '10.300.0.0/24' }, "--subnet takes a /24 written a.b.c.0/24, such as 10.213.0.0/24, got '10.300.0.0/24'"],
    [{ subnet: '8.8.8.0/24' }, "--subnet must be private (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), got '8.8.8.0/24'"],
    [{ rates: ['20mbps'] }, "--rate takes a tc rate in bits per second such as 20mbit (or h2=5mbit for one host), got '20mbps'"],
    [{ rates: ['h4=1mbit'] }, '--rate h4=1mbit: there is no host h4 (the hosts are h1..h3)'],
  ])('%j is refused: %s', (options, message) => {
    expect(usageError(options)).toBe(message);
  });

  test('private subnets of every range are accepted', () => {
    expect(planTestbed({ ...OPTIONS, subnet: '172.31.9.0/24' }).controller.address).toBe('172.31.9.2');
    expect(planTestbed({ ...OPTIONS, subnet: '192.168.77.0/24' }).hosts[0].address).toBe('192.168.77.11');
  });
});

describe('a subnet this machine already routes is found', () => {
  const routes = [{ dst: 'default' }, { dst: '192.0.2.0/24' }, { dst: '127.0.0.0/8' }, { dst: '127.0.0.1' }, { dst: '0.0.0.0/0' }];

  test('the default route (however written) does not count', () => {
    expect(overlappingRoute(routes, '10.213.0.0/24')).toBeUndefined();
  });

  test('a wider route, a narrower one and a single address inside it all do', () => {
    expect(overlappingRoute([...routes, { dst: '10.0.0.0/8' }], '10.213.0.0/24')).toBe('10.0.0.0/8');
    expect(overlappingRoute([...routes, { dst: '10.213.0.128/25' }], '10.213.0.0/24')).toBe('10.213.0.128/25');
    expect(overlappingRoute([...routes, { dst: '10.213.0.7' }], '10.213.0.0/24')).toBe('10.213.0.7');
    expect(overlappingRoute([...routes, { dst: '10.213.1.0/24' }], '10.213.0.0/24')).toBeUndefined();
  });
});

describe('the token bucket for a rate', () => {
  test('holds 20 ms of sending at high rates, and at least 32 KiB', () => {
    expect(tbfParameters('100mbit')).toEqual(['tbf', 'rate', '100mbit', 'burst', '250000', 'latency', '100ms']);
    expect(tbfParameters('500kbit')).toEqual(['tbf', 'rate', '500kbit', 'burst', '32768', 'latency', '100ms']);
  });
});
