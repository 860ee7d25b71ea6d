import { z } from "zod";

/** Graph payloads of the synchronization and provisioning-log APIs (v1.0), parsed leniently but typed. */
const count = z
  .number()
  .int()
  .nullish()
  .transform((n) => n ?? 0);
const time = z
  .string()
  .nullish()
  .transform((s) => s ?? null);

export const ExecutionSchema = z.object({
  activityIdentifier: z.string().nullish(),
  countEntitled: count,
  countEscrowed: count,
  countExported: count,
  countExports: count,
  countImported: count,
  countImportedDeltas: count,
  error: z
    .object({ code: z.string().nullish(), message: z.string().nullish(), tenantActionable: z.boolean().nullish() })
    .nullish(),
  state: z.string().nullish(),
  timeBegan: time,
  timeEnded: time,
});
export type Execution = z.infer<typeof ExecutionSchema>;

const QuarantineSchema = z.object({
  currentBegan: time,
  nextAttempt: time,
  reason: z.string().nullish(),
  seriesBegan: time,
  seriesCount: count,
});

const JobStatusSchema = z.object({
  code: z.string(),
  countSuccessiveCompleteFailures: count,
  escrowsPruned: z.boolean().nullish(),
  lastExecution: ExecutionSchema.nullish(),
  lastSuccessfulExecution: ExecutionSchema.nullish(),
  lastSuccessfulExecutionWithExports: ExecutionSchema.nullish(),
  progress: z
    .array(
      z.object({
        completionPercentage: z.number().nullish(),
        countOfCompletedSteps: z.number().nullish(),
        countOfTotalSteps: z.number().nullish(),
        progressObservationDateTime: time,
      }),
    )
    .nullish(),
  quarantine: QuarantineSchema.nullish(),
  steadyStateLastAchievedTime: time,
  synchronizedEntryCountByType: z.array(z.object({ key: z.string(), value: z.number() })).nullish(),
  troubleshootingUrl: z.string().nullish(),
});

export const JobSchema = z.object({
  id: z.string().min(1),
  templateId: z.string().nullish(),
  schedule: z.object({ interval: z.string().nullish(), state: z.string().nullish() }).nullish(),
  status: JobStatusSchema,
});
export type Job = z.infer<typeof JobSchema>;

export const JobListSchema = z.object({ value: z.array(JobSchema) });

export const SecretsSchema = z.object({ value: z.array(z.object({ key: z.string(), value: z.string().nullish() })) });
export type Secret = { key: string; value: string };

export const SchemaSchema = z.object({
  synchronizationRules: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullish(),
      objectMappings: z
        .array(
          z.object({
            sourceObjectName: z.string().nullish(),
            targetObjectName: z.string().nullish(),
            enabled: z.boolean().nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});

export const OnDemandResponseSchema = z.object({ key: z.string(), value: z.string() });
export const OnDemandKeySchema = z.object({
  result: z.string(),
  details: z.object({ errorCode: z.string().nullish(), errorMessage: z.string().nullish() }).nullish(),
});
export const OnDemandValueSchema = z.object({
  action: z.string().nullish(),
  provisioningSteps: z
    .array(
      z.object({
        name: z.string().nullish(),
        type: z.string().nullish(),
        status: z.string().nullish(),
        description: z.string().nullish(),
      }),
    )
    .nullish(),
  statusInfo: z
    .object({ status: z.string().nullish(), errorCode: z.string().nullish(), reason: z.string().nullish() })
    .nullish(),
  sourceIdentity: z.object({ id: z.string().nullish() }).nullish(),
});

export const LogEntrySchema = z.object({
  id: z.string(),
  activityDateTime: z.string(),
  jobId: z.string().nullish(),
  action: z.string().nullish(),
  provisioningAction: z.string().nullish(),
  sourceIdentity: z
    .object({
      id: z.string().nullish(),
      displayName: z.string().nullish(),
      details: z.record(z.string(), z.unknown()).nullish(),
    })
    .nullish(),
  provisioningStatusInfo: z
    .object({
      status: z.string().nullish(),
      errorInformation: z
        .object({
          errorCode: z.string().nullish(),
          reason: z.string().nullish(),
          additionalDetails: z.string().nullish(),
          recommendedAction: z.string().nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const LogPageSchema = z.object({ value: z.array(LogEntrySchema), "@odata.nextLink": z.string().nullish() });
