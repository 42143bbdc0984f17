import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EMAIL, seconds, Validator } from '../shared/validation';
import { checkEventPattern, renderEventPattern } from './event-pattern';

/** One rule of the bus and the queue it delivers to. */
export interface EventRouteProps {
  /**
   * Name of the route, e.g. `fulfilment`: letters, digits, `-` and `_`, at most 40.
   * It names constructs, so it must be known at synth; rule and queue names are generated.
   */
  readonly name: string;
  /**
   * Events matching this pattern (EventBridge's syntax, typed) reach the route's queue.
   * Content filters such as `{ numeric: ['>=', 100] }` and `{ prefix: 'eu-' }` are allowed.
   */
  readonly eventPattern: events.EventPattern;
  /**
   * What the rule is for, shown in the console.
   * @default `Routes matching events to the <name> queue`
   */
  readonly description?: string;
  /**
   * Retries of a failed delivery to the queue, 0 to 185.
   * @default 8
   */
  readonly retryAttempts?: number;
  /**
   * How long EventBridge keeps retrying an event, 60 s to 24 hours.
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
  /**
   * Receives of a message from the route's queue before it moves to the queue's dead-letter queue, 1 to 1000.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

/** Props of the {@link EventBus} construct. */
export interface EventBusProps {
  /** The routes: at least one, names unique. */
  readonly routes: EventRouteProps[];
  /**
   * Admit `PutEvents` from every account of this AWS Organization (`o-...`) as well as this account.
   * @default this account only
   */
  readonly organizationId?: string;
  /**
   * How long the archive keeps every event for replay, 1 to 3650 days; `Duration.days(0)` keeps them indefinitely.
   * @default Duration.days(30)
   */
  readonly archiveRetention?: Duration;
  /**
   * Key of the route queues and the dead-letter queues. A key of this app gets
   * the key-policy grants EventBridge and CloudWatch need; an imported key must
   * already allow `events.amazonaws.com` `kms:Decrypt` and `kms:GenerateDataKey`.
   * @default a new customer-managed key with rotation
   */
  readonly key?: kms.IKey;
  /**
   * Topic receiving the alarms.
   * @default a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail address subscribed to the alarm topic this construct creates; may be a token.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * What happens to the queues and the key when the stack is deleted (the archive is deleted with the bus).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const NAME = /^[A-Za-z0-9_-]{1,40}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The key a route's name takes among its siblings (its construct id), case-insensitive. */
export function routeKey(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateEventBusProps(props: EventBusProps): void {
  const v = new Validator('EventBus props');
  v.check(props.routes.length > 0, 'routes', props.routes, 'expected at least one route');
  const taken = new Set<string>();
  props.routes.forEach((r, i) => checkRoute(v, `routes[${i}]`, r, taken));
  if (props.organizationId !== undefined && !Token.isUnresolved(props.organizationId)) {
    v.check(ORGANIZATION_ID.test(props.organizationId), 'organizationId', props.organizationId, 'expected an AWS Organizations id such as "o-a1b2c3d4e5"');
  }
  const archive = seconds(props.archiveRetention);
  if (archive !== undefined) {
    v.check(archive % 86400 === 0 && archive / 86400 <= 3650, 'archiveRetention', `${archive} s`, 'expected whole days from 0 (indefinitely) to 3650');
  }
  if (props.alarmEmail !== undefined && !Token.isUnresolved(props.alarmEmail)) {
    v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  }
  v.check(!(props.alarmEmail && props.alarmTopic), 'alarmEmail', props.alarmEmail, 'subscribe the address to the alarmTopic you pass in, or leave alarmTopic out');
  v.throwIfInvalid();
}

/** Checks one route added after construction against the names already `taken`. */
export function validateRoute(route: EventRouteProps, taken: ReadonlySet<string>): void {
  const v = new Validator('EventBus route');
  checkRoute(v, 'route', route, new Set(taken));
  v.throwIfInvalid();
}

function checkRoute(v: Validator, at: string, r: EventRouteProps, taken: Set<string>): void {
  const named = NAME.test(r.name);
  v.check(named, `${at}.name`, r.name, 'expected 1 to 40 letters, digits, "-" or "_"');
  if (named) {
    v.check(!taken.has(routeKey(r.name)), `${at}.name`, r.name, 'expected a name no other route has, ignoring case, "-" and "_"');
    taken.add(routeKey(r.name));
  }
  checkEventPattern(v, `${at}.eventPattern`, renderEventPattern(r.eventPattern));
  v.intRange(`${at}.retryAttempts`, r.retryAttempts, 0, 185);
  v.intRange(`${at}.maxEventAge`, seconds(r.maxEventAge), 60, 86400, ' seconds');
  v.intRange(`${at}.maxReceiveCount`, r.maxReceiveCount, 1, 1000);
}
