import semver from 'semver';

/** An EKS add-on version such as `v1.19.2-eksbuild.1`, reduced to what orders it. */
export interface AddonVersion {
  text: string;
  /** major.minor.patch, coerced from the text (`v1.19.2-eksbuild.1` → 1.19.2). */
  core: semver.SemVer;
  /** The `eksbuild.N` number; 0 when the text carries none (an upstream image tag). */
  eksbuild: number;
}

/**
 * Parse an add-on version or image tag; undefined when it holds no major.minor.patch.
 * EKS add-on versions are `vMAJOR.MINOR.PATCH-eksbuild.N` (https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html);
 * strict semver would order the `-eksbuild.N` prerelease below the bare version and compare its
 * identifiers as text, so the core is compared with semver and the build number numerically.
 */
export function parseAddonVersion(text: string | undefined | null): AddonVersion | undefined {
  if (!text) return undefined;
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+.]|$)/.exec(text.trim());
  if (!m) return undefined;
  const core = semver.coerce(`${m[1]}.${m[2]}.${m[3]}`);
  if (!core) return undefined;
  const build = /eksbuild\.(\d+)/.exec(text);
  return { text, core, eksbuild: build ? Number(build[1]) : 0 };
}

/** Negative when a is older than b, 0 when equal, positive when newer. */
export function compareAddonVersions(a: AddonVersion, b: AddonVersion): number {
  return semver.compare(a.core, b.core) || a.eksbuild - b.eksbuild;
}

/** The newest of the given version strings (those that do not parse are skipped). */
export function newestVersion(texts: string[]): string | undefined {
  let best: AddonVersion | undefined;
  for (const t of texts) {
    const v = parseAddonVersion(t);
    if (v && (!best || compareAddonVersions(v, best) > 0)) best = v;
  }
  return best?.text;
}

/** True when `latest` is newer than `current`; false when either is unknown or unparseable. */
export function isNewer(latest: string | null, current: string | null): boolean {
  const l = parseAddonVersion(latest);
  const c = parseAddonVersion(current);
  return !!l && !!c && compareAddonVersions(l, c) > 0;
}
