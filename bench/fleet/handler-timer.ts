import type { RulesEngine, RuleFunction } from '../../integration/aws/index.js';
import { elapsedMs } from '../stats.js';

export interface HandlerTiming {
  /** Function name (the part of the ARN after `function:`). */
  functionName: string;
  ms: number;
  failed: boolean;
}

export interface HandlerTimer {
  timings(): HandlerTiming[];
}

/**
 * Times every function the rules engine invokes: registerFunction is wrapped on this one
 * engine instance, before the backend registers its handlers, so each invocation is timed from
 * the handler's start to its settling (the rules engine keeps no durations of its own).
 */
export function timeRuleFunctions(rules: RulesEngine): HandlerTimer {
  const recorded: HandlerTiming[] = [];
  const register = rules.registerFunction.bind(rules);
  rules.registerFunction = (functionArn: string, handler: RuleFunction): void => {
    const functionName = functionArn.slice(functionArn.lastIndexOf(':') + 1);
    register(functionArn, async (event, rule) => {
      const start = process.hrtime.bigint();
      let failed = true;
      try {
        const result = await handler(event, rule);
        failed = false;
        return result;
      } finally {
        recorded.push({ functionName, ms: elapsedMs(start), failed });
      }
    });
  };
  return { timings: () => [...recorded] };
}
