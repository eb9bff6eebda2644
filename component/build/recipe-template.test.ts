import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseGdkConfig } from './gdk-config.js';
import { fillRecipe } from './recipe-template.js';

const TEMPLATE = `RecipeFormatVersion: '2020-01-25'
ComponentName: '{COMPONENT_NAME}'
ComponentVersion: '{COMPONENT_VERSION}'
ComponentPublisher: Someone
Manifests:
  - Platform:
      os: linux
    Artifacts:
      - Uri: s3://my-bucket/x/1.0.0/certificate-rotator.zip
        Unarchive: ZIP
`;

describe('fillRecipe', () => {
  it('fills the name, version and publisher, and puts artifact URIs in GDK form', () => {
    const recipe = parse(fillRecipe(TEMPLATE, { componentName: 'a.b.C', version: '2.0.1', author: 'Amazon' }));
    expect(recipe).toMatchObject({ ComponentName: 'a.b.C', ComponentVersion: '2.0.1', ComponentPublisher: 'Amazon' });
    expect(recipe.Manifests[0].Artifacts[0].Uri).toBe('s3://BUCKET_NAME/COMPONENT_NAME/COMPONENT_VERSION/certificate-rotator.zip');
  });

  it('leaves the version placeholder for gdk component publish when the version is NEXT_PATCH', () => {
    const recipe = parse(fillRecipe(TEMPLATE, { componentName: 'a.b.C', version: 'NEXT_PATCH', author: 'Amazon' }));
    expect(recipe.ComponentVersion).toBe('{COMPONENT_VERSION}');
  });

  it('refuses a template whose artifact is not the zip', () => {
    expect(() =>
      fillRecipe(TEMPLATE.replace('certificate-rotator.zip', 'other.zip'), { componentName: 'a', version: '1.0.0', author: 'x' }),
    ).toThrow('Uri must name certificate-rotator.zip');
  });
});

describe('parseGdkConfig', () => {
  const config = (version: string) =>
    JSON.stringify({
      component: {
        'a.b.C': {
          author: 'Amazon',
          version,
          build: { build_system: 'custom', custom_build_command: ['node'] },
          publish: { bucket: 'bucket', region: 'eu-west-1' },
        },
      },
      gdk_version: '1.0.0',
    });

  it('reads the component, version, author and publish target', () => {
    expect(parseGdkConfig(config('NEXT_PATCH'))).toEqual({
      componentName: 'a.b.C',
      version: 'NEXT_PATCH',
      author: 'Amazon',
      bucket: 'bucket',
      region: 'eu-west-1',
    });
  });

  it('names a bad version', () => {
    expect(() => parseGdkConfig(config('1.2'))).toThrow(/must be a semantic version or NEXT_PATCH[\s\S]*version/);
  });
});
