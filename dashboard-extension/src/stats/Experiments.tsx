/* A/B split results per split node and the holdout lift, with their confidence. */

import { Box, Text } from "@saleor/macaw-ui";

import { type HoldoutResult, type SplitResult, formatNumber, formatRate } from "./model";

function verdict(result: { significant: boolean; sampleTooSmall: boolean; confidence: number | null }): string {
  if (result.sampleTooSmall) return "too few entries yet";
  if (result.significant) return `significant (${formatRate(result.confidence)} confidence)`;
  return result.confidence === null ? "—" : `not significant (${formatRate(result.confidence)})`;
}

export function Experiments({ splits, holdout, locale }: { splits: SplitResult[]; holdout: HoldoutResult | null | undefined; locale: string }) {
  if (!splits.length && !holdout) {
    return (
      <Text color="default2" data-testid="no-experiments">
        No A/B split or holdout results in this period.
      </Text>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="experiments">
      {splits.map((split) => (
        <Box key={split.nodeId}>
          <Text size={3} fontWeight="bold">
            Split {split.nodeId}
          </Text>
          <div className="sa-table-wrap">
            <table className="sa-table">
              <thead>
                <tr>
                  <th scope="col">Branch</th>
                  <th scope="col" className="sa-num">Entered</th>
                  <th scope="col" className="sa-num">Converted</th>
                  <th scope="col" className="sa-num">Rate</th>
                  <th scope="col" className="sa-num">vs control</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {split.branches.map((branch) => (
                  <tr key={branch.label}>
                    <th scope="row">
                      {branch.label}
                      {branch.isControl ? " (control)" : ""}
                    </th>
                    <td className="sa-num">{formatNumber(branch.entered, locale)}</td>
                    <td className="sa-num">{formatNumber(branch.converted, locale)}</td>
                    <td className="sa-num">{formatRate(branch.rate)}</td>
                    <td className="sa-num">
                      {branch.isControl || branch.difference === null
                        ? "—"
                        : `${branch.difference >= 0 ? "+" : ""}${formatRate(branch.difference)}`}
                    </td>
                    <td>{branch.isControl ? "" : verdict(branch)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Box>
      ))}
      {holdout ? (
        <Box data-testid="holdout">
          <Text size={3} fontWeight="bold">
            Holdout
          </Text>
          <div className="sa-table-wrap">
            <table className="sa-table">
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" className="sa-num">Entered</th>
                  <th scope="col" className="sa-num">Converted</th>
                  <th scope="col" className="sa-num">Rate</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">Received the flow</th>
                  <td className="sa-num">{formatNumber(holdout.treatedEntered, locale)}</td>
                  <td className="sa-num">{formatNumber(holdout.treatedConverted, locale)}</td>
                  <td className="sa-num">{formatRate(holdout.treatedRate)}</td>
                </tr>
                <tr>
                  <th scope="row">Held out (control)</th>
                  <td className="sa-num">{formatNumber(holdout.controlEntered, locale)}</td>
                  <td className="sa-num">{formatNumber(holdout.controlConverted, locale)}</td>
                  <td className="sa-num">{formatRate(holdout.controlRate)}</td>
                </tr>
              </tbody>
            </table>
          </div>
          <Text size={2}>
            Lift {holdout.lift === null ? "—" : `${holdout.lift >= 0 ? "+" : ""}${formatRate(holdout.lift)}`}
            {holdout.relativeLift !== null ? ` (${formatRate(holdout.relativeLift)} relative)` : ""} · {verdict(holdout)}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
