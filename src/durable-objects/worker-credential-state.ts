import { DurableObject } from "cloudflare:workers";

export type CredentialCheck = "active" | "revoked" | "unknown";

interface State {
  activeCredentialId: string | null;
  revoked: boolean;
}

/**
 * The credential state of one private-worker run (named by the run ID): which
 * credential ID is the active one, and whether the run's credentials were
 * revoked. Rotation replaces the active ID, so an older token stops working
 * the moment the new one is issued.
 */
export class WorkerCredentialState extends DurableObject {
  private async load(): Promise<State> {
    return (await this.ctx.storage.get<State>("state")) ?? { activeCredentialId: null, revoked: false };
  }

  async activate(credentialId: string): Promise<void> {
    await this.ctx.storage.put<State>("state", { activeCredentialId: credentialId, revoked: false });
  }

  async revoke(): Promise<void> {
    await this.ctx.storage.put<State>("state", { activeCredentialId: null, revoked: true });
  }

  async check(credentialId: string): Promise<CredentialCheck> {
    const state = await this.load();
    if (state.activeCredentialId === credentialId) return "active";
    return state.revoked || state.activeCredentialId !== null ? "revoked" : "unknown";
  }
}
