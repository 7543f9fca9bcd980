import { DurableObject } from "cloudflare:workers";

export type CredentialCheck = "active" | "revoked" | "unknown";

interface State {
  activeCredentialId: string | null;
  revoked: boolean;
  /** Latest expiry of any credential issued for the run (ms since epoch). */
  expiresAtMs: number;
}

/** Kept a day past the last expiry so late calls still get "expired", then forgotten. */
const RETENTION_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

/**
 * The credential state of one private-worker run (named by the run ID): which
 * credential ID is the active one, and whether the run's credentials were
 * revoked. Rotation replaces the active ID, so an older token stops working
 * the moment the new one is issued. Only IDs live here; tokens are never
 * stored, they carry their own signature.
 *
 * An alarm deletes the state once every issued token has expired: those
 * tokens already fail the expiry check, and a missing state reads "unknown",
 * which is refused too.
 */
export class WorkerCredentialState extends DurableObject {
  private async load(): Promise<State | undefined> {
    return this.ctx.storage.get<State>("state");
  }

  private async save(state: State): Promise<void> {
    await this.ctx.storage.put<State>("state", state);
    await this.ctx.storage.setAlarm(state.expiresAtMs + RETENTION_AFTER_EXPIRY_MS);
  }

  /**
   * Makes `credentialId` the only accepted credential (issue or rotate), unless
   * the run was revoked: revocation is final here, where every token check
   * lands, so no caller (a rotation, an idempotent replay, a race between the
   * two) can undo it. Answers whether the credential is now active.
   */
  async activate(credentialId: string, expiresAtMs: number): Promise<boolean> {
    const previous = await this.load();
    if (previous?.revoked) return false;
    await this.save({
      activeCredentialId: credentialId,
      revoked: false,
      expiresAtMs: Math.max(expiresAtMs, previous?.expiresAtMs ?? 0),
    });
    return true;
  }

  /** Leaves no active credential, for good: every token of the run is refused from now on. */
  async revoke(): Promise<void> {
    const previous = await this.load();
    await this.save({ activeCredentialId: null, revoked: true, expiresAtMs: previous?.expiresAtMs ?? Date.now() });
  }

  async check(credentialId: string): Promise<CredentialCheck> {
    const state = await this.load();
    if (!state) return "unknown";
    if (state.activeCredentialId === credentialId) return "active";
    return "revoked";
  }

  override async alarm(): Promise<void> {
    const state = await this.load();
    if (state && state.expiresAtMs + RETENTION_AFTER_EXPIRY_MS > Date.now()) {
      await this.ctx.storage.setAlarm(state.expiresAtMs + RETENTION_AFTER_EXPIRY_MS);
      return;
    }
    await this.ctx.storage.deleteAll();
  }
}
