import { AppError } from "#core/errors.js";

/** One bad variable: which, why (never its secret value), and what to do. */
export interface ConfigProblem {
  readonly variable: string;
  readonly reason: string;
  readonly fix: string;
}

/**
 * Invalid configuration, with every problem at once. The message has one line per problem:
 * `VARIABLE: reason. Fix: what to do.`
 */
export class ConfigError extends AppError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super("config.invalid", formatProblems(problems), {
      retryable: false,
      context: { problems: problems.length, variables: problems.map((problem) => problem.variable).join(",") },
    });
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const noun = problems.length === 1 ? "problem" : "problems";
  const lines = problems.map((problem) => `  ${problem.variable}: ${problem.reason}. Fix: ${problem.fix}.`);
  return [`Invalid configuration (${problems.length} ${noun}); nothing was started:`, ...lines].join("\n");
}
