// Points every deploy file at one build: the short git SHA CI tagged its images with.
//   npm run set-image-tag -- <commit>      (default: HEAD)
// It replaces the current tag in k8s/base (kustomize `images:` and the version labels) and in the
// compose defaults, then re-renders the all-in-one file. Run it (or let CI's manifests job run it)
// once the images for that commit are published; a test checks the tag names a commit here.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ALL_IN_ONE, renderAllInOne } from './render-all-in-one.mjs';

export const TAGGED_FILES = [
  'k8s/base/kustomization.yaml',
  'k8s/base/k8s-app-monitor-test.yaml',
  'k8s/base/k8s-app-monitor-agent.yaml',
  'compose/docker-compose.yml',
  'k8s/observability/prometheus.yaml',
  // The chart's appVersion, its default image tag (quoted: an all-digit SHA must stay a string).
  'charts/k8s-app-monitor/Chart.yaml',
];

/** The tag the deploy files name now: kustomize's, which every other file follows. */
export function currentImageTag(root = '.') {
  const kustomization = parse(readFileSync(`${root}/k8s/base/kustomization.yaml`, 'utf8'));
  const tags = new Set(kustomization.images.map((image) => image.newTag));
  if (tags.size !== 1) throw new Error(`k8s/base/kustomization.yaml names ${tags.size} image tags, expected one`);
  return [...tags][0];
}

/** The short SHA of a commit, as `git rev-parse --short` prints it (CI's tag). */
export function shortSha(commit) {
  return execFileSync('git', ['rev-parse', '--short=7', '--verify', `${commit}^{commit}`], { encoding: 'utf8' }).trim();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tag = shortSha(process.argv[2] ?? 'HEAD');
  const old = currentImageTag();
  const pattern = new RegExp(`(?<=[:\\s"-])${old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'g');
  for (const file of TAGGED_FILES) writeFileSync(file, readFileSync(file, 'utf8').replace(pattern, tag));
  writeFileSync(ALL_IN_ONE, renderAllInOne());
  console.log(`deploy files now name ${tag} (was ${old}); ${ALL_IN_ONE} re-rendered`);
}
