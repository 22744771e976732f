/**
 * Renders Grafana's dashboard provisioning file (`dashboards.yaml`): one
 * file provider per folder, each reading the directory the folder's
 * dashboard ConfigMaps are mounted under. Pure.
 *
 * Each dashboard is its own ConfigMap (an object holds at most 1 MiB) mounted
 * as a directory, not through `subPath`, so an edited dashboard reaches the
 * pod and the provider's periodic rescan picks it up.
 *
 * @see https://grafana.com/docs/grafana/latest/administration/provisioning/#dashboards
 */

/** Under this directory each folder has its own directory. */
export const DASHBOARDS_DIR = '/etc/grafana/dashboards';

/** A folder of provisioned dashboards. */
export interface DashboardFolder {
  /** Title shown in Grafana. */
  readonly title: string;
  /** Directory name and folder UID; stable, so links to the folder survive. */
  readonly slug: string;
}

/** The directory a folder's dashboards are mounted under. */
export function folderDirectory(folder: DashboardFolder): string {
  return `${DASHBOARDS_DIR}/${folder.slug}`;
}

/** The folder slug of a title: lower case, runs of other characters as one `-`. */
export function folderSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The provisioning document as a plain object. */
export function renderDashboardProviders(folders: readonly DashboardFolder[]): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: folders.map((folder) => ({
      name: folder.slug,
      orgId: 1,
      folder: folder.title,
      folderUid: folder.slug,
      type: 'file',
      // Dashboards are code: a change made in the UI would be lost at the next rollout, so it is refused.
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 60,
      options: { path: folderDirectory(folder), foldersFromFilesStructure: false },
    })),
  };
}
