// Check SurveyJS survey JSON files the way survey-core reads them.
//
//   node validate.mjs survey.json [more.json ...]
//
// For each file: load it into a survey-core Model and report its jsonErrors (unknown
// properties, unknown question types, ...), then run survey-core's linter (lintSurvey from
// "survey-core/linter") and report every finding, whatever its severity. Exits 1 when any file
// has a problem, 2 on wrong usage, 0 when every file is clean.
import { readFileSync } from "node:fs";
import { Model } from "survey-core";
import { lintSurvey } from "survey-core/linter";
// The exported surveys are Danish (locale "da"); a survey app loads the Danish strings the same
// way, and without them the linter rightly says "da" is no known locale.
import "survey-core/i18n/danish";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs SURVEY.json [SURVEY.json ...]");
  process.exit(2);
}

let problems = 0;
for (const file of files) {
  let json;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.log(`${file}: cannot read: ${error.message}`);
    problems += 1;
    continue;
  }
  const model = new Model(json);
  for (const error of model.jsonErrors ?? []) {
    const where = error.element?.name ? ` (${error.element.name})` : "";
    console.log(`${file}: json error${where}: ${error.message}`);
    problems += 1;
  }
  const result = lintSurvey(json);
  for (const finding of result.findings) {
    const where = finding.elementName ? ` ${finding.elementName}` : "";
    console.log(
      `${file}: ${finding.severity} ${finding.ruleId}${where} at ${finding.path}: ${finding.message}`,
    );
    problems += 1;
  }
  const questions = model.getAllQuestions().length;
  console.log(`${file}: ${model.pages.length} pages, ${questions} questions checked`);
}
if (problems > 0) {
  console.log(`${problems} problem(s)`);
  process.exit(1);
}
