export { addonStatuses, latestCompatible, CORE_ADDONS } from './status';
export { imageTag, selfManagedVersion } from './self-managed';
export { parseAddonVersion, compareAddonVersions, isNewer, newestVersion } from './version';
