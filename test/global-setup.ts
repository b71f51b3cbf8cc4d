import { execFileSync } from 'node:child_process';

/** Builds dist/ once before any test: route tests serve its assets, system tests run it. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
