import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { NEXT_PATCH } from './gdk-config.js';

export const ARTIFACT_NAME = 'certificate-rotator.zip';
/** The form GDK writes and `gdk component publish` rewrites with the real bucket and version. */
export const GDK_ARTIFACT_URI = `s3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/${ARTIFACT_NAME}`;

export interface RecipeValues {
  componentName: string;
  /** NEXT_PATCH leaves the version placeholder for `gdk component publish` to fill. */
  version: string;
  author: string;
}

/**
 * Fills the recipe template the way GDK's own build does: name, version and publisher
 * from gdk-config.json, every artifact URI in GDK's placeholder form. Comments survive.
 */
export function fillRecipe(template: string, values: RecipeValues): string {
  const document = parseDocument(template);
  if (document.errors.length > 0) throw new Error(`recipe.yaml: ${document.errors[0]!.message}`);
  document.set('ComponentName', values.componentName);
  if (values.version !== NEXT_PATCH) document.set('ComponentVersion', values.version);
  document.set('ComponentPublisher', values.author);

  const manifests = document.get('Manifests');
  if (!isSeq(manifests) || manifests.items.length === 0) throw new Error('recipe.yaml: Manifests must be a non-empty list');
  for (const [index, manifest] of manifests.items.entries()) {
    const artifacts = isMap(manifest) ? manifest.get('Artifacts') : undefined;
    if (!isSeq(artifacts)) throw new Error(`recipe.yaml: Manifests[${index}].Artifacts must be a list`);
    for (const artifact of artifacts.items) {
      const uri = isMap(artifact) ? artifact.get('Uri', true) : undefined;
      if (!isScalar(uri) || typeof uri.value !== 'string' || !uri.value.endsWith(`/${ARTIFACT_NAME}`)) {
        throw new Error(`recipe.yaml: Manifests[${index}].Artifacts[].Uri must name ${ARTIFACT_NAME}`);
      }
      uri.value = GDK_ARTIFACT_URI;
    }
  }
  return document.toString({ lineWidth: 0 });
}
