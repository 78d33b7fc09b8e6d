// Validates Kubernetes manifests against the API's schemas (the models of the npm package kubernetes-models,
// generated from Kubernetes' OpenAPI definitions): types, required fields, enumerations, for every document of
// every file given. Prints one line per document; exits 1 if any is invalid or of a kind it does not know.
//   npm ci && node validate.mjs deploy/k8s/*.yaml
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";

const models = { "apps/v1 Deployment": Deployment, "v1 Service": Service };
let invalid = 0;
for (const file of process.argv.slice(2)) {
  for (const document of yaml.loadAll(readFileSync(file, "utf8"))) {
    if (document == null) continue;
    const kind = `${document.apiVersion} ${document.kind}`;
    const Model = models[kind];
    try {
      if (!Model) throw new Error(`no schema here for ${kind}`);
      new Model(document).validate();
      console.log(`valid: ${file}: ${kind} ${document.metadata?.name}`);
    } catch (e) {
      invalid++;
      console.log(`invalid: ${file}: ${kind} ${document.metadata?.name}: ${e.message}`);
    }
  }
}
process.exit(invalid === 0 ? 0 : 1);
