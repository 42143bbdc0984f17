import { EventPatternJson, matchesEventPattern } from '../../lib/streaming/event-pattern';
import { resourcesOf, stackTemplate } from '../harness';

// Routing proven offline: sample events go through the event patterns of the
// rules as synthesized (the stage's template, not the props that made them),
// and each must reach exactly the queues named here.
const template = stackTemplate('Sandbox', 'Streaming');
const queueNames = (queueId: string) => queueId.replace(/^StreamingBus/, '').replace(/Queue[0-9A-F]{8}$/, '');
const routes = Object.values(resourcesOf(template, 'AWS::Events::Rule')).flatMap((rule) =>
  (rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[]).map((t) => ({
    queue: queueNames(t.Arn['Fn::GetAtt'][0]),
    pattern: rule.Properties.EventPattern as EventPatternJson,
  })));

/** An event as EventBridge hands it to rules. */
function event(source: string, detailType: string, detail: Record<string, unknown>): Record<string, unknown> {
  return {
    'version': '0', 'id': '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': detailType, source,
    'account': '123456789012', 'time': '2026-12-06T10:00:00Z', 'region': 'eu-west-1', 'resources': [], detail,
  };
}
const receiversOf = (e: Record<string, unknown>) => routes.filter((r) => matchesEventPattern(r.pattern, e)).map((r) => r.queue).sort();

test('the stage routes the three queues by their own rules', () => {
  expect(routes.map((r) => r.queue).sort()).toEqual(['Fulfilment', 'PaymentFailures', 'Review']);
});

test.each([
  ['a large placed order goes to fulfilment and review', event('app.orders', 'OrderPlaced', { orderId: 'o-1', total: 1200 }), ['Fulfilment', 'Review']],
  ['an order of exactly 1,000 is large', event('app.orders', 'OrderPlaced', { orderId: 'o-2', total: 1000 }), ['Fulfilment', 'Review']],
  ['a small placed order goes to fulfilment only', event('app.orders', 'OrderPlaced', { orderId: 'o-3', total: 999.99 }), ['Fulfilment']],
  ['a placed order without a total goes to fulfilment only', event('app.orders', 'OrderPlaced', { orderId: 'o-4' }), ['Fulfilment']],
  ['a total sent as text is no number: fulfilment only', event('app.orders', 'OrderPlaced', { orderId: 'o-5', total: '1200' }), ['Fulfilment']],
  ['a failed payment goes to payment-failures only', event('app.payments', 'PaymentFailed', { orderId: 'o-6', total: 5000 }), ['PaymentFailures']],
  ['a shipped order goes nowhere', event('app.orders', 'OrderShipped', { orderId: 'o-7', total: 1200 }), []],
  ['an OrderPlaced from another source goes nowhere', event('app.payments', 'OrderPlaced', { orderId: 'o-8', total: 1200 }), []],
  ['matching is case-sensitive: orderplaced goes nowhere', event('app.orders', 'orderplaced', { orderId: 'o-9', total: 1200 }), []],
  ['a PaymentFailed from the orders source goes nowhere', event('app.orders', 'PaymentFailed', { orderId: 'o-10' }), []],
])('%s', (_name, e, expected) => {
  expect(receiversOf(e)).toEqual(expected);
});

test('the archive\'s pattern takes every event, of any source', () => {
  const [archive] = Object.values(resourcesOf(template, 'AWS::Events::Archive'));
  const pattern = archive.Properties.EventPattern as EventPatternJson;
  for (const e of [event('app.orders', 'OrderPlaced', {}), event('anything.else', 'X', {}), event('aws.s3', 'Object Created', {})]) {
    expect(matchesEventPattern(pattern, e)).toBe(true);
  }
});
