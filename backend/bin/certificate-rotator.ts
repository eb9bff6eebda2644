#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { defineBackendApp } from '../lib/backend-app.js';

defineBackendApp(new App());
