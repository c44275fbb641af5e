// Answer a SurveyJS survey with given survey results and say what survey-core makes of them.
//
//   node responses.mjs SURVEY.json RESULTS.json
//
// RESULTS.json is a JSON array of data objects. For each one, prints a JSON line with the
// names of the elements survey-core shows for those answers ("visible") and the validation
// errors it finds on the visible questions ("errors": [[name, message], ...]). Tests compare
// this with klyngepakke's own view of the same responses.
import { readFileSync } from "node:fs";
import { Model } from "survey-core";
import "survey-core/i18n/danish";

const [surveyFile, resultsFile] = process.argv.slice(2);
if (!surveyFile || !resultsFile) {
  console.error("usage: node responses.mjs SURVEY.json RESULTS.json");
  process.exit(2);
}
const survey = JSON.parse(readFileSync(surveyFile, "utf8"));
const results = JSON.parse(readFileSync(resultsFile, "utf8"));
for (const data of results) {
  const model = new Model(survey);
  model.data = data;
  model.validate(true, false);
  const shown = model.getAllQuestions(true);
  const errors = [];
  for (const question of shown) {
    for (const error of question.errors) errors.push([question.name, error.getText()]);
  }
  console.log(JSON.stringify({ visible: shown.map((q) => q.name), errors }));
}
