import { z } from "zod";

/**
 * The tenant an activity comes from (`conversation.tenantId`, else `channelData.tenant.id`). The
 * bot serves one Entra tenant: an activity from any other is refused before the chat core sees it.
 */
const tenantFields = z.object({
  conversation: z.object({ tenantId: z.string().optional() }).loose().optional(),
  channelData: z
    .object({ tenant: z.object({ id: z.string().optional() }).loose().optional() })
    .loose()
    .optional(),
  from: z.object({ id: z.string().optional(), aadObjectId: z.string().optional() }).loose().optional(),
  type: z.string().optional(),
});

export interface ActivityOrigin {
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly type: string;
}

export function activityOrigin(body: Record<string, unknown>): ActivityOrigin {
  const parsed = tenantFields.safeParse(body);
  if (!parsed.success) return { tenantId: null, userId: null, type: "unknown" };
  const b = parsed.data;
  return {
    tenantId: b.conversation?.tenantId ?? b.channelData?.tenant?.id ?? null,
    userId: b.from?.aadObjectId ?? b.from?.id ?? null,
    type: b.type ?? "unknown",
  };
}

export function isOurTenant(origin: ActivityOrigin, tenantId: string): boolean {
  return origin.tenantId !== null && origin.tenantId.toLowerCase() === tenantId.toLowerCase();
}
