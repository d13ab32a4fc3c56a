// Leader election on a Kubernetes Lease (coordination.k8s.io/v1), as client-go's leaderelection does it,
// through the KubeGateway (which allows exactly gic's own `gic-*` Leases): a candidate becomes leader by
// creating the Lease or by taking it over once the holder stopped renewing for `leaseDurationSeconds`;
// the leader renews every `renewMs`; updates carry the resourceVersion, so two candidates racing for an
// expired Lease cannot both win (the loser gets 409). A candidate that cannot reach the API server is
// not leader (it cannot prove it still holds the Lease). Used so that one replica of `gic serve` runs the
// review bot's poller and worker; the webhook intake works on every replica.
import type { Logger } from '../log.js';
import type { KubeGateway, KubeResponse } from './kube-gateway.js';

export interface LeaseElectorOptions {
  readonly namespace: string;
  /** `gic-...` (the gateway refuses other names). */
  readonly name: string;
  /** This candidate's identity (pod name, hostname + pid). */
  readonly identity: string;
  readonly leaseDurationSeconds?: number;
  readonly renewMs?: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number | null;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number | null;
}

interface LeaseObject {
  metadata?: { resourceVersion?: string; name?: string; namespace?: string };
  spec?: LeaseSpec;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaseElector {
  private readonly gateway: Pick<KubeGateway, 'lease'>;
  private readonly options: LeaseElectorOptions;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(gateway: Pick<KubeGateway, 'lease'>, options: LeaseElectorOptions) {
    this.gateway = gateway;
    this.options = options;
  }

  isLeader(): boolean {
    return this.leader;
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  private spec(previous: LeaseSpec | undefined, now: Date): LeaseSpec {
    const same = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: this.options.leaseDurationSeconds ?? 15,
      acquireTime: same && previous?.acquireTime != null ? previous.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (same || previous === undefined ? 0 : 1),
    };
  }

  /** One round: acquire or renew. Returns whether this candidate holds the Lease now. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name } = this.options;
    let response: KubeResponse;
    try {
      response = await this.gateway.lease('GET', namespace, name);
      const now = this.now();
      if (response.status === 404) {
        const created = await this.gateway.lease('POST', namespace, name, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: this.spec(undefined, now) });
        return this.settle(created.status === 201 || created.status === 200, created);
      }
      if (response.status !== 200) return this.settle(false, response);
      const lease = response.body as LeaseObject;
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
      const duration = (spec.leaseDurationSeconds ?? this.options.leaseDurationSeconds ?? 15) * 1000;
      const held = holder !== '' && holder !== this.options.identity && Number.isFinite(renewed) && renewed + duration > now.getTime();
      if (held) return this.settle(false, response);
      const updated = await this.gateway.lease('PUT', namespace, name, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, resourceVersion: lease.metadata?.resourceVersion }, spec: this.spec(spec, now) });
      return this.settle(updated.status === 200, updated);
    } catch (error) {
      this.options.logger?.warn(`leader election: ${error instanceof Error ? error.message : String(error)}`);
      return this.settle(false, undefined);
    }
  }

  private settle(leader: boolean, response: KubeResponse | undefined): boolean {
    if (leader !== this.leader) this.options.logger?.info(leader ? `became leader (Lease ${this.options.namespace}/${this.options.name})` : `not leader (Lease ${this.options.namespace}/${this.options.name}${response !== undefined ? `, HTTP ${response.status}` : ''})`);
    this.leader = leader;
    return leader;
  }

  start(): void {
    if (this.timer !== undefined) return;
    const round = (): void => {
      this.running ??= this.tryAcquireOrRenew()
        .then(() => undefined)
        .finally(() => {
          this.running = undefined;
        });
    };
    round();
    this.timer = setInterval(round, this.options.renewMs ?? 5_000);
    this.timer.unref();
  }

  /** Stops renewing (the Lease expires for the others after its duration). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.leader = false;
  }
}
